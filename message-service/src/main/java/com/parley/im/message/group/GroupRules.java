package com.parley.im.message.group;

import com.parley.im.defaults.ApiException;
import com.parley.im.protocol.ErrorCodes;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who may do what in a group, and what a valid request is. Pure decisions, so that every refusal is
 * tested without a database; {@link GroupService} applies them under the group's row lock.
 */
final class GroupRules {

  /** Longest group name, in characters (code points). */
  static final int NAME_MAX = 64;

  /** Most user ids one request may name (the size limit decides the rest). */
  static final int USER_IDS_MAX = 1000;

  private GroupRules() {}

  /**
   * The trimmed name, or 400 {@code validation_failed} when empty, longer than 64 or holding a
   * control character (U+0000 cannot even be stored).
   */
  static String validName(String raw) {
    String name = raw == null ? "" : raw.strip();
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > NAME_MAX) {
      throw invalid("name must be 1-" + NAME_MAX + " characters.");
    }
    if (name.codePoints().anyMatch(Character::isISOControl)) {
      throw invalid("name may not contain control characters.");
    }
    return name;
  }

  /**
   * The distinct ids of a request, in request order, without {@code self} (who is a member
   * already); 400 for a blank id or too many ids.
   */
  static Set<String> distinctUserIds(Collection<String> userIds, String self) {
    Set<String> ids = new LinkedHashSet<>();
    if (userIds == null) {
      return ids;
    }
    if (userIds.size() > USER_IDS_MAX) {
      throw invalid("At most " + USER_IDS_MAX + " user ids per request.");
    }
    for (String id : userIds) {
      if (id == null || id.isBlank() || id.length() > 64 || id.chars().anyMatch(c -> c < 0x20)) {
        throw invalid("Every user id must be a non-empty id.");
      }
      if (!id.equals(self)) {
        ids.add(id);
      }
    }
    return ids;
  }

  /** 409 {@code group_full} when a group of {@code size} members would pass the limit. */
  static void requireFits(int size, int max) {
    if (size > max) {
      throw ApiException.conflict(
          ErrorCodes.GROUP_FULL, "A group has at most " + max + " members.");
    }
  }

  /**
   * Removing someone else: the owner removes anyone; an admin removes plain members only; a member
   * removes nobody (403 {@code forbidden}). Removing yourself (leaving) is always allowed and does
   * not come here.
   */
  static void requireMayRemove(GroupRole actor, GroupRole target) {
    boolean allowed =
        actor == GroupRole.OWNER || (actor == GroupRole.ADMIN && target == GroupRole.MEMBER);
    if (!allowed) {
      throw forbidden(
          actor == GroupRole.MEMBER
              ? "Only the owner or an admin may remove members."
              : "An admin cannot remove the owner or another admin.");
    }
  }

  /** The owner and admins rename the group. */
  static void requireMayRename(GroupRole actor) {
    if (!actor.manages()) {
      throw forbidden("Only the owner or an admin may rename the group.");
    }
  }

  /**
   * Only the owner changes roles, and not their own (ownership passes only when the owner leaves):
   * 403 {@code forbidden} or 409 {@code conflict}.
   */
  static void requireMaySetRole(GroupRole actor, GroupRole target) {
    if (actor != GroupRole.OWNER) {
      throw forbidden("Only the owner may change roles.");
    }
    if (target == GroupRole.OWNER) {
      throw ApiException.conflict(ErrorCodes.CONFLICT, "The owner's role cannot be changed.");
    }
  }

  /** The role a role request names: {@code admin} or {@code member}, else 400. */
  static GroupRole assignableRole(String wire) {
    return GroupRole.assignable(wire)
        .orElseThrow(() -> invalid("role must be \"admin\" or \"member\"."));
  }

  static ApiException invalid(String detail) {
    return ApiException.badRequest(ErrorCodes.VALIDATION_FAILED, detail);
  }

  static ApiException forbidden(String detail) {
    return ApiException.forbidden(ErrorCodes.FORBIDDEN, detail);
  }

  static ApiException notMember() {
    return ApiException.notFound(
        ErrorCodes.NOT_MEMBER, "No such group, or you are not a member of it.");
  }

  static ApiException targetNotMember() {
    return ApiException.notFound(ErrorCodes.NOT_MEMBER, "That user is not a member of the group.");
  }

  static ApiException notFriends() {
    return ApiException.forbidden(
        ErrorCodes.NOT_FRIENDS, "You can only add your friends to a group.");
  }
}
