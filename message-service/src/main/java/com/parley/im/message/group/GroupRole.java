package com.parley.im.message.group;

import java.util.Locale;
import java.util.Optional;

/** A group member's role, as stored in {@code member.role} and shown on the wire. */
enum GroupRole {
  OWNER,
  ADMIN,
  MEMBER;

  /** The name on the wire and in the database. */
  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static GroupRole of(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }

  /** A role a client may give with the role endpoint ({@code admin} or {@code member}). */
  static Optional<GroupRole> assignable(String wire) {
    if ("admin".equals(wire)) {
      return Optional.of(ADMIN);
    }
    if ("member".equals(wire)) {
      return Optional.of(MEMBER);
    }
    return Optional.empty();
  }

  /** Owners and admins manage the group (rename, remove members). */
  boolean manages() {
    return this != MEMBER;
  }
}
