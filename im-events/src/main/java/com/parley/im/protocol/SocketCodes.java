package com.parley.im.protocol;

/**
 * Codes that only the client WebSocket uses: {@code error} frame codes beyond {@link ErrorCodes},
 * and the close codes with which the server ends a socket.
 */
public final class SocketCodes {

  /** A well-formed client frame whose feature is not offered yet; the socket stays open. */
  public static final String NOT_AVAILABLE = "not_available";

  /** Handshake refused: the ticket is unknown, expired or already used. */
  public static final String INVALID_TICKET = "invalid_ticket";

  /** Handshake refused: the {@code Origin} header is not on the allow-list. */
  public static final String ORIGIN_NOT_ALLOWED = "origin_not_allowed";

  /** Close code: the server is shutting down or restarting; reconnect (to another instance). */
  public static final int CLOSE_GOING_AWAY = 1001;

  /** Close code: a frame exceeded the hard limit, closed by the WebSocket layer itself. */
  public static final int CLOSE_TOO_BIG = 1009;

  /** Close code: no client frame arrived for 2.5 heartbeat intervals. */
  public static final int CLOSE_HEARTBEAT_TIMEOUT = 4000;

  /** Close code: the device session was revoked (logout, refresh-token reuse, newer login). */
  public static final int CLOSE_SESSION_REVOKED = 4001;

  private SocketCodes() {}
}
