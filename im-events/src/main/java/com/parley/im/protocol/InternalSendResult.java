package com.parley.im.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The answer to one {@link InternalSend}: {@code status} {@code ok} with {@code messageId,
 * conversationId, seq, createdAt}, or {@code error} with {@code code, message} and, for rate
 * limits, {@code retryAfterMs}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record InternalSendResult(
    String status,
    String messageId,
    String conversationId,
    Long seq,
    Instant createdAt,
    String code,
    String message,
    Long retryAfterMs) {

  /** Stored (or found stored by an earlier send with the same id). */
  public static InternalSendResult ok(
      String messageId, String conversationId, long seq, Instant createdAt) {
    return new InternalSendResult(
        "ok", messageId, conversationId, seq, createdAt, null, null, null);
  }

  /** Refused, or not stored now; {@code retryAfterMs} only for rate limits (else null). */
  public static InternalSendResult error(String code, String message, Long retryAfterMs) {
    return new InternalSendResult("error", null, null, null, null, code, message, retryAfterMs);
  }

  /** An ack: stored, with every field an ack frame needs. */
  @JsonIgnore
  public boolean isOk() {
    return "ok".equals(status) && messageId != null && seq != null && createdAt != null;
  }
}
