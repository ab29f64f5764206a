package com.parley.im.events;

import java.time.Instant;

/**
 * A user's read position in a conversation moved forward (a {@code read} frame, the REST call, or
 * the user's own send). Published by message-service to {@value Destinations#READ_POSITION_MOVED}
 * through its outbox. Positions never move backwards, so a replayed or reordered event is harmless
 * to a consumer that keeps the maximum.
 */
public record ReadPositionMoved(
    String eventId, Instant occurredAt, String conversationId, String userId, long readSeq)
    implements DomainEvent {}
