package com.parley.im.defaults;

import com.parley.im.protocol.ErrorCodes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

/**
 * The one place where exceptions from handlers become problem details. Every response carries a
 * stable {@code code}; 5xx responses never echo exception messages. It runs before Boot's own
 * problem-details handler, which would answer without a {@code code}.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ProblemDetailsAdvice {

  private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

  @ExceptionHandler(ApiException.class)
  ProblemDetail apiException(ApiException e) {
    return Problems.of(e.status(), e.code(), e.getMessage());
  }

  @ExceptionHandler(WebExchangeBindException.class)
  ProblemDetail invalidBody(WebExchangeBindException e) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.BAD_REQUEST, ErrorCodes.VALIDATION_FAILED, "The request is not valid.");
    Map<String, String> errors = new LinkedHashMap<>();
    e.getFieldErrors()
        .forEach(f -> errors.putIfAbsent(f.getField(), String.valueOf(f.getDefaultMessage())));
    problem.setProperty("errors", errors);
    return problem;
  }

  @ExceptionHandler(ServerWebInputException.class)
  ProblemDetail unreadableInput(ServerWebInputException e) {
    return Problems.of(
        HttpStatus.BAD_REQUEST,
        ErrorCodes.VALIDATION_FAILED,
        "The request could not be read: " + e.getReason());
  }

  @ExceptionHandler(ResponseStatusException.class)
  ProblemDetail statusException(ResponseStatusException e) {
    String detail =
        e.getStatusCode().is5xxServerError() ? "The server could not handle it." : e.getReason();
    return Problems.of(e.getStatusCode(), Problems.codeFor(e.getStatusCode()), detail);
  }

  @ExceptionHandler(Exception.class)
  ProblemDetail unexpected(Exception e) {
    if (unstorableText(e)) {
      // A field no validator caught: PostgreSQL text cannot hold U+0000. The client's input, not
      // the server, is at fault: 400, not 500 (or a 503 that invites the same retry).
      return Problems.of(
          HttpStatus.BAD_REQUEST,
          ErrorCodes.VALIDATION_FAILED,
          "Text may not contain the character U+0000.");
    }
    log.error("Unhandled exception", e);
    return Problems.of(
        HttpStatus.INTERNAL_SERVER_ERROR,
        ErrorCodes.INTERNAL_ERROR,
        "The server could not handle the request.");
  }

  /**
   * Whether the database refused a character of the request's text (SQLSTATE 22021, invalid byte
   * sequence, as PostgreSQL answers U+0000 in {@code text}; 22P05, the same in {@code jsonb}). Read
   * by name so that services without a database need no driver classes.
   */
  static boolean unstorableText(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      try {
        Object state = t.getClass().getMethod("getSqlState").invoke(t);
        if ("22021".equals(state) || "22P05".equals(state)) {
          return true;
        }
      } catch (ReflectiveOperationException | RuntimeException notSql) {
        // not an SQL exception: look at its cause
      }
    }
    return false;
  }
}
