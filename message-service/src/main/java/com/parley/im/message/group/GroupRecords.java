package com.parley.im.message.group;

import java.time.Instant;
import java.util.List;

/** The request and response bodies of {@code /api/groups}. */
final class GroupRecords {

  private GroupRecords() {}

  /** {@code POST /api/groups}. */
  record CreateGroup(String name, List<String> memberIds) {}

  /** {@code POST /api/groups/{id}/members}. */
  record AddMembers(List<String> userIds) {}

  /** {@code PATCH /api/groups/{id}}: an absent or null name stays as it is. */
  record UpdateGroup(String name) {}

  /** {@code PUT /api/groups/{id}/members/{userId}/role}. */
  record SetRole(String role) {}

  /** A group as its members see it; {@code ownerId} is null once everybody left. */
  record GroupView(
      String id, String name, String ownerId, int memberCount, List<MemberView> members) {}

  /** An active member. */
  record MemberView(String userId, String role, Instant joinedAt) {}
}
