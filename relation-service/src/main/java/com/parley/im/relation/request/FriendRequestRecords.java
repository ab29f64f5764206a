package com.parley.im.relation.request;

import com.parley.im.relation.graph.FriendRequestRow;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** What {@code /api/friend-requests} reads and writes. */
final class FriendRequestRecords {

  private FriendRequestRecords() {}

  /** {@code POST /api/friend-requests}. The message's length is checked by the service. */
  record SendFriendRequest(
      @NotBlank(message = "toUserId is required") @Size(max = 64) String toUserId,
      String message) {}

  /** A friend request on the wire. */
  record FriendRequest(
      String id,
      String fromUserId,
      String toUserId,
      String message,
      String status,
      Instant createdAt) {

    static FriendRequest of(FriendRequestRow row) {
      return new FriendRequest(
          row.id().toString(),
          row.fromUserId().toString(),
          row.toUserId().toString(),
          row.message(),
          row.status(),
          row.createdAt());
    }
  }

  /** The outcome of sending: the request, and whether it is new (201) or the pending one (200). */
  record Sent(FriendRequest request, boolean created) {}
}
