package com.parley.im.message.send;

/**
 * One send, from the internal endpoint (a gateway's {@code send} frame) or the REST fallback.
 *
 * @param body the client's body as parsed JSON: a {@code Map} when well-formed (anything else is
 *     refused {@code validation_failed})
 * @param traceparent the W3C trace context of this message's {@code send} when it is sampled (ADR
 *     0028); null otherwise
 */
public record SendCommand(
    String userId,
    String deviceId,
    String clientMsgId,
    String conversationId,
    String kind,
    Object body,
    String traceparent) {

  /** A send outside any sampled trace. */
  public SendCommand(
      String userId,
      String deviceId,
      String clientMsgId,
      String conversationId,
      String kind,
      Object body) {
    this(userId, deviceId, clientMsgId, conversationId, kind, body, null);
  }
}
