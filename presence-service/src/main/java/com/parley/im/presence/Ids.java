package com.parley.im.presence;

import java.util.Optional;
import java.util.UUID;

/** Ids on the wire are opaque strings; inside they are UUIDs (user-service makes user ids so). */
public final class Ids {

  private Ids() {}

  /** The id, or empty when the string cannot be an id of ours (then nothing has that id). */
  public static Optional<UUID> parse(String id) {
    if (id == null || id.length() != 36) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
