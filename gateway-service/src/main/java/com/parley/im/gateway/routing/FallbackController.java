package com.parley.im.gateway.routing;

import com.parley.im.defaults.Problems;
import com.parley.im.protocol.ErrorCodes;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * Where a route's circuit breaker forwards when the service is down, slow or its breaker is open: a
 * 503 problem with {@code code: service_unavailable}. Reached only by an internal forward (a direct
 * request needs a token and gets the same answer).
 */
@RestController
class FallbackController {

  static final String PATH = "/fallback/unavailable";

  @RequestMapping(PATH)
  ProblemDetail unavailable(ServerWebExchange exchange) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.SERVICE_UNAVAILABLE,
            ErrorCodes.SERVICE_UNAVAILABLE,
            "The service is not available right now; try again shortly.");
    String original = exchange.getAttribute(OriginalPathFilter.ATTRIBUTE);
    if (original != null) {
      problem.setInstance(URI.create(original));
    }
    return problem;
  }
}
