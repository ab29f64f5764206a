package com.parley.im.events;

import java.time.Instant;
import java.util.List;

/**
 * {@code blockerId} blocked {@code blockedId}. Published by relation-service to {@value
 * Destinations#USER_BLOCKED}. A friendship the block ended is also announced as {@link
 * FriendshipRemoved} (reason {@code blocked}), before this event.
 *
 * @param friendshipRemoved whether the two were friends until this block
 * @param cancelledRequestIds pending requests between the two (either direction) that the block
 *     ended
 */
public record UserBlocked(
    String eventId,
    Instant occurredAt,
    String blockerId,
    String blockedId,
    boolean friendshipRemoved,
    List<String> cancelledRequestIds)
    implements DomainEvent {}
