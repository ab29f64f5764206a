package com.parley.im.presence.status;

import java.time.Instant;

/** One user's presence as a caller may see it ({@code GET /api/presence}). */
record PresenceView(String userId, boolean online, Instant lastSeenAt) {

  /** What a stranger (or an unknown id) looks like: offline, never seen. */
  static PresenceView unknown(String userId) {
    return new PresenceView(userId, false, null);
  }
}
