package com.parley.im.gateway.problem;

import com.parley.im.defaults.Problems;
import com.parley.im.protocol.ErrorCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The last resort for errors that no controller advice saw (those raised in web filters): a problem
 * detail with a stable code, never an exception message on a 5xx.
 */
@Component
@Order(-2)
class ProblemErrorWebExceptionHandler implements ErrorWebExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemErrorWebExceptionHandler.class);

  private final ProblemWriter problems;

  ProblemErrorWebExceptionHandler(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
    if (exchange.getResponse().isCommitted()) {
      return Mono.error(error);
    }
    if (error instanceof ResponseStatusException e) {
      HttpStatusCode status = e.getStatusCode();
      String detail = status.is5xxServerError() ? "The server could not handle it." : e.getReason();
      return problems.write(exchange, Problems.of(status, Problems.codeFor(status), detail));
    }
    log.error("Unhandled error on {}", exchange.getRequest().getPath(), error);
    return problems.write(
        exchange,
        HttpStatus.INTERNAL_SERVER_ERROR,
        ErrorCodes.INTERNAL_ERROR,
        "The server could not handle the request.");
  }
}
