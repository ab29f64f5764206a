package com.parley.im.events;

import java.time.Instant;

/**
 * A message was stored in a conversation with the given {@code seq}. Published by message-service
 * to {@value Destinations#MESSAGE_STORED} through its outbox, one event per message, in seq order
 * per conversation. Carries no body: bodies stay encrypted in message-service (consumers that need
 * one ask for the message).
 *
 * @param senderDeviceId the device that sent it; null for {@code system} messages
 * @param clientMsgId the sender's idempotency key; null for server-written messages
 * @param kind one of PROTOCOL.md's kinds, {@code system} and {@code recall} included
 * @param mediaId the {@code mediaId} of an image, voice, video or file message; null for other
 *     kinds (added later: events written before it have none). media-service lets the members of
 *     the conversation read that media (ADR 0012).
 */
public record MessageStored(
    String eventId,
    Instant occurredAt,
    String messageId,
    String conversationId,
    long seq,
    String senderId,
    String senderDeviceId,
    String clientMsgId,
    String kind,
    Instant createdAt,
    String mediaId)
    implements DomainEvent {

  /**
   * The routing key of an event that carries a {@code mediaId}; the others are routed by the
   * destination's name, {@value Destinations#MESSAGE_STORED} (ADR 0032). A consumer that needs
   * every stored message binds {@code #}; media-service binds this key only.
   */
  public static final String MEDIA_ROUTING_KEY = "message-stored.media";
}
