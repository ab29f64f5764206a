package com.parley.im.events;

import java.time.Instant;

/**
 * A pending friend request exists. Published by relation-service to {@value
 * Destinations#FRIEND_REQUEST_SENT}. Carries the whole request, so that a notice ({@code
 * friend_request} frame) for {@code toUserId} needs nothing else.
 *
 * @param requestId the request's id
 * @param fromUserId who sent it
 * @param toUserId who may accept or reject it
 * @param message the sender's note, or null
 * @param createdAt when the request was made (its {@code createdAt} on the REST API)
 * @param fromDisplayName the sender's display name as relation-service knows it, or null
 */
public record FriendRequestSent(
    String eventId,
    Instant occurredAt,
    String requestId,
    String fromUserId,
    String toUserId,
    String message,
    Instant createdAt,
    String fromDisplayName)
    implements DomainEvent {}
