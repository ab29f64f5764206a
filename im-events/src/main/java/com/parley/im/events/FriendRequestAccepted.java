package com.parley.im.events;

import java.time.Instant;

/**
 * A friend request was accepted: {@code fromUserId} and {@code toUserId} are friends since {@code
 * since}. Published by relation-service to {@value Destinations#FRIEND_REQUEST_ACCEPTED}; it is the
 * only event that makes a friendship (consumers that keep friend lists add the pair here).
 *
 * @param requestId the accepted request
 * @param fromUserId who sent the request (a {@code friend_accepted} notice goes to this user)
 * @param toUserId who accepted it (explicitly, or by sending a request back: {@code mutual})
 * @param since when the friendship began
 * @param mutual true when the acceptance was {@code toUserId}'s own request to {@code fromUserId}
 * @param fromDisplayName display name of {@code fromUserId} as relation-service knows it, or null
 * @param toDisplayName display name of {@code toUserId} as relation-service knows it, or null
 */
public record FriendRequestAccepted(
    String eventId,
    Instant occurredAt,
    String requestId,
    String fromUserId,
    String toUserId,
    Instant since,
    boolean mutual,
    String fromDisplayName,
    String toDisplayName)
    implements DomainEvent {}
