package com.parley.im.user.auth;

import java.time.Duration;

/** Too many failed logins; the client may try again after {@link #retryAfter()}. */
class LoginThrottledException extends RuntimeException {

  private final Duration retryAfter;

  LoginThrottledException(Duration retryAfter) {
    super("Too many failed sign-ins; try again later.", null, false, false);
    this.retryAfter = retryAfter;
  }

  Duration retryAfter() {
    return retryAfter;
  }
}
