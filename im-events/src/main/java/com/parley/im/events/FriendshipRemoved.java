package com.parley.im.events;

import java.time.Instant;

/**
 * {@code userId} and {@code friendId} are no longer friends. Published by relation-service to
 * {@value Destinations#FRIENDSHIP_REMOVED}; consumers that keep friend lists remove the pair here.
 *
 * @param userId who ended it
 * @param friendId the other user (a {@code friend_removed} notice goes to this user)
 * @param reason {@code unfriended} ({@code DELETE /api/friends/{id}}) or {@code blocked} ({@code
 *     userId} blocked {@code friendId}; a notice should not reveal the block, so it should look the
 *     same as for {@code unfriended})
 */
public record FriendshipRemoved(
    String eventId, Instant occurredAt, String userId, String friendId, String reason)
    implements DomainEvent {

  public static final String UNFRIENDED = "unfriended";
  public static final String BLOCKED = "blocked";
}
