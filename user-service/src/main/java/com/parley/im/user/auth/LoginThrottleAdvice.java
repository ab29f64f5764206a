package com.parley.im.user.auth;

import com.parley.im.defaults.Problems;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.user.security.HashingBusyException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * 429 {@code rate_limited} with {@code Retry-After}: the shared advice cannot set headers, so this
 * one takes precedence for the throttle's exception and a full password-hashing queue only.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class LoginThrottleAdvice {

  @ExceptionHandler(LoginThrottledException.class)
  ResponseEntity<ProblemDetail> throttled(LoginThrottledException e) {
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfter().toSeconds()))
        .body(Problems.of(HttpStatus.TOO_MANY_REQUESTS, ErrorCodes.RATE_LIMITED, e.getMessage()));
  }

  @ExceptionHandler(HashingBusyException.class)
  ResponseEntity<ProblemDetail> busy(HashingBusyException e) {
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(HashingBusyException.RETRY_AFTER_SECONDS))
        .body(Problems.of(HttpStatus.TOO_MANY_REQUESTS, ErrorCodes.RATE_LIMITED, e.getMessage()));
  }
}
