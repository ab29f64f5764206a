package com.parley.im.message.store;

import java.time.Instant;
import java.util.Map;

/**
 * A message as stored, with its body decrypted; PROTOCOL.md's message object. {@code body} is null
 * once the message was recalled.
 */
public record StoredMessage(
    String messageId,
    String conversationId,
    long seq,
    String senderId,
    String senderDeviceId,
    String clientMsgId,
    String kind,
    Map<String, Object> body,
    Instant createdAt,
    Instant recalledAt) {}
