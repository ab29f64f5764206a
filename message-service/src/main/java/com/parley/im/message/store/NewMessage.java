package com.parley.im.message.store;

import java.util.Map;

/**
 * A message to store, before it has a seq.
 *
 * @param messageId its id, chosen by the caller ({@code SecureIds})
 * @param senderDeviceId null for server-written messages
 * @param clientMsgId the sender's idempotency key; null for server-written messages
 * @param body the plaintext body (encrypted before it reaches the database); null for none
 */
public record NewMessage(
    String messageId,
    String conversationId,
    String senderId,
    String senderDeviceId,
    String clientMsgId,
    String kind,
    Map<String, Object> body) {}
