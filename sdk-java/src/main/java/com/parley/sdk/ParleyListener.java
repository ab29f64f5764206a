package com.parley.sdk;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a {@link ParleyClient} tells the app. Called on the client's own thread, one call at a time
 * and in order; keep the work short (hand it to the UI thread).
 */
public interface ParleyListener {

  /** The connection's state changed. */
  enum Connection {
    CONNECTING,
    CONNECTED,
    DISCONNECTED,
    CLOSED
  }

  /**
   * New messages of one conversation, each {@code (conversationId, seq)} once and in seq order,
   * never past a gap (pushes, catch-up pages and the user's own acked sends alike).
   */
  default void onMessages(String conversationId, List<Message> messages) {}

  /** Connecting, connected (after {@code welcome}), disconnected (reconnecting), closed. */
  default void onConnection(Connection state) {}

  /**
   * Every other server frame as it arrived ({@code unread}, {@code presence}, {@code typing},
   * {@code receipt}, {@code signal}, {@code conversation}, ...).
   */
  default void onFrame(JsonNode frame) {}

  /**
   * The device session ended (logout elsewhere, a reused refresh token, a newer login on the same
   * device): log in again. Called once; the client is closed.
   */
  default void onSessionEnded(String reason) {}
}
