package com.parley.im.gateway.routing;

import com.parley.im.defaults.Problems;
import com.parley.im.protocol.ErrorCodes;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import java.net.URI;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * Where a route's circuit breaker forwards when the call did not succeed. The service was busy (the
 * call ran out of time, or too many calls were in flight to it; neither opens the breaker): 429
 * {@code rate_limited} with {@code Retry-After}, so the client comes back later. The service is
 * down or its breaker open: 503 {@code service_unavailable}. Reached only by an internal forward (a
 * direct request needs a token and gets the 503).
 */
@RestController
class FallbackController {

  private static final Logger log = LoggerFactory.getLogger(FallbackController.class);

  static final String PATH = "/fallback/unavailable";
  static final String BUSY_RETRY_AFTER_SECONDS = "2";

  @RequestMapping(PATH)
  ProblemDetail unavailable(ServerWebExchange exchange) {
    Throwable failure =
        exchange.getAttribute(ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR);
    ProblemDetail problem;
    if (failure instanceof TimeoutException
        || CircuitBreakerConfig.busy(failure)
        || failure instanceof BulkheadFullException
        || failure instanceof org.springframework.cloud.gateway.support.TimeoutException) {
      problem =
          Problems.of(
              HttpStatus.TOO_MANY_REQUESTS,
              ErrorCodes.RATE_LIMITED,
              "The service is busy; try again in a moment.");
      exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, BUSY_RETRY_AFTER_SECONDS);
      problem.setProperty("retryAfterMs", Long.parseLong(BUSY_RETRY_AFTER_SECONDS) * 1000);
    } else {
      log.warn(
          "{} answered 503: {}",
          exchange.getRequest().getPath(),
          failure == null ? "no failure recorded" : failure.toString());
      problem =
          Problems.of(
              HttpStatus.SERVICE_UNAVAILABLE,
              ErrorCodes.SERVICE_UNAVAILABLE,
              "The service is not available right now; try again shortly.");
    }
    String original = exchange.getAttribute(OriginalPathFilter.ATTRIBUTE);
    if (original != null) {
      problem.setInstance(URI.create(original));
    }
    return problem;
  }
}
