package com.parley.im.message.send;

import com.parley.im.defaults.ApiException;
import com.parley.im.message.store.StoredMessage;

/**
 * The answer to one send: the stored message ({@code created} false for a resend, which is answered
 * with the first message), or the refusal.
 *
 * @param retryAfterMs with {@code rate_limited}: when the sender may try again
 */
public record SendOutcome(
    StoredMessage message, boolean created, ApiException error, Long retryAfterMs) {

  static SendOutcome stored(StoredMessage message, boolean created) {
    return new SendOutcome(message, created, null, null);
  }

  static SendOutcome refused(ApiException error) {
    return new SendOutcome(null, false, error, null);
  }

  static SendOutcome rateLimited(ApiException error, long retryAfterMs) {
    return new SendOutcome(null, false, error, retryAfterMs);
  }

  public boolean ok() {
    return message != null;
  }
}
