package com.parley.im.message.inbox;

import com.parley.im.defaults.ApiException;
import com.parley.im.protocol.ErrorCodes;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code syncToken} of {@code GET /api/conversations}: opaque to clients; inside, the xmin of
 * the database snapshot that the list was read in ({@code pg_snapshot_xmin(pg_current_snapshot())}
 * of the same statement).
 *
 * <p>Why this misses nothing: every transaction whose changes that snapshot did not see, whether it
 * was still running or had not begun, has an id at or above the snapshot's xmin, and it stamped
 * every row it changed with that id ({@code change_xid = pg_current_xact_id()}). So {@code
 * change_xid >= xmin} finds all of them; it also finds some rows the list already showed (changed
 * by transactions that began before, and committed before, the snapshot while an older one was
 * still running), which clients merge by conversation id.
 */
record SyncToken(long xmin) {

  private static final String PREFIX = "x1.";

  String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((PREFIX + Long.toUnsignedString(xmin)).getBytes(StandardCharsets.UTF_8));
  }

  /** The token a client sent back; 400 {@code validation_failed} when it is not one of ours. */
  static SyncToken decode(String token) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!text.startsWith(PREFIX) || text.length() > PREFIX.length() + 20) {
        throw invalid();
      }
      long xmin = Long.parseUnsignedLong(text.substring(PREFIX.length()));
      if (xmin < 0) {
        throw invalid();
      }
      return new SyncToken(xmin);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
  }

  /** The xmin as PostgreSQL's {@code xid8} text. */
  String xid8() {
    return Long.toString(xmin);
  }

  private static ApiException invalid() {
    return ApiException.badRequest(
        ErrorCodes.VALIDATION_FAILED, "since is not a syncToken of this service.");
  }
}
