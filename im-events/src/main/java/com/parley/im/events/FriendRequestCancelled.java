package com.parley.im.events;

import java.time.Instant;

/**
 * The sender withdrew a pending friend request. Published by relation-service to {@value
 * Destinations#FRIEND_REQUEST_CANCELLED}. (Requests that a block ends are listed in {@link
 * UserBlocked} instead.)
 */
public record FriendRequestCancelled(
    String eventId, Instant occurredAt, String requestId, String fromUserId, String toUserId)
    implements DomainEvent {}
