package com.parley.im.relation.graph;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code friend_request}. */
public record FriendRequestRow(
    UUID id, UUID fromUserId, UUID toUserId, String message, String status, Instant createdAt) {

  public static final String PENDING = "pending";
  public static final String ACCEPTED = "accepted";
  public static final String REJECTED = "rejected";
  public static final String CANCELLED = "cancelled";

  public boolean pending() {
    return PENDING.equals(status);
  }
}
