package com.parley.im.user.security;

/**
 * Every password-hashing slot and queue place is taken: the service is busy, not down. Answered 429
 * {@code rate_limited} with {@code Retry-After} ({@link #RETRY_AFTER_SECONDS} s).
 */
public class HashingBusyException extends RuntimeException {

  public static final long RETRY_AFTER_SECONDS = 1;

  HashingBusyException() {
    super("Too many sign-ins at once; try again in a moment.", null, false, false);
  }
}
