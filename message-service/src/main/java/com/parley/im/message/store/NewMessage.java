package com.parley.im.message.store;

import java.util.Map;

/**
 * A message to store, before it has a seq.
 *
 * @param messageId its id, chosen by the caller ({@code SecureIds})
 * @param senderDeviceId null for server-written messages
 * @param clientMsgId the sender's idempotency key; null for server-written messages
 * @param body the plaintext body (encrypted before it reaches the database); null for none
 * @param traceparent the W3C trace context of the send when it is sampled, stored with the
 *     message's outbox row (ADR 0028); null otherwise
 */
public record NewMessage(
    String messageId,
    String conversationId,
    String senderId,
    String senderDeviceId,
    String clientMsgId,
    String kind,
    Map<String, Object> body,
    String traceparent) {

  /** A message written outside any sampled trace (server-written messages). */
  public NewMessage(
      String messageId,
      String conversationId,
      String senderId,
      String senderDeviceId,
      String clientMsgId,
      String kind,
      Map<String, Object> body) {
    this(messageId, conversationId, senderId, senderDeviceId, clientMsgId, kind, body, null);
  }
}
