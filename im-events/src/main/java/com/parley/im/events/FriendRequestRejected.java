package com.parley.im.events;

import java.time.Instant;

/**
 * The recipient rejected a pending friend request. Published by relation-service to {@value
 * Destinations#FRIEND_REQUEST_REJECTED}.
 */
public record FriendRequestRejected(
    String eventId, Instant occurredAt, String requestId, String fromUserId, String toUserId)
    implements DomainEvent {}
