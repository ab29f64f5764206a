package com.parley.im.message.store;

import com.parley.im.protocol.Frames;
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
    Instant recalledAt) {

  /** The {@code message} frame that pushes this message to devices. */
  public Frames.Message toFrame() {
    return new Frames.Message(
        messageId,
        conversationId,
        seq,
        senderId,
        senderDeviceId,
        clientMsgId,
        kind,
        body,
        createdAt,
        recalledAt);
  }
}
