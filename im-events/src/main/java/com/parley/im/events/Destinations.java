package com.parley.im.events;

/** Broker destinations (kebab-case facts), one per event type. */
public final class Destinations {

  public static final String USER_REGISTERED = "user-registered";
  public static final String USER_UPDATED = "user-updated";
  public static final String DEVICE_SESSION_REVOKED = "device-session-revoked";
  public static final String FRIEND_REQUEST_SENT = "friend-request-sent";
  public static final String FRIEND_REQUEST_ACCEPTED = "friend-request-accepted";
  public static final String FRIEND_REQUEST_REJECTED = "friend-request-rejected";
  public static final String FRIEND_REQUEST_CANCELLED = "friend-request-cancelled";
  public static final String FRIENDSHIP_REMOVED = "friendship-removed";
  public static final String USER_BLOCKED = "user-blocked";
  public static final String USER_UNBLOCKED = "user-unblocked";

  public static final String SOCKET_CHANGED = "socket-changed";
  public static final String GATEWAY_LEASE_RENEWED = "gateway-lease-renewed";
  public static final String PRESENCE_CHANGED = "presence-changed";

  /** presence asks gateways to report their sockets again (ADR 0008). */
  public static final String ROUTING_TABLE_LOST = "routing-table-lost";

  public static final String MESSAGE_STORED = "message-stored";

  public static final String CONVERSATION_CHANGED = "conversation-changed";
  public static final String READ_POSITION_MOVED = "read-position-moved";

  /** unread-service: a user muted or unmuted a conversation. */
  public static final String CONVERSATION_MUTE_CHANGED = "conversation-mute-changed";

  /** {@code recv}, {@code read}, {@code typing} and {@code signal} frames, gateway to messages. */
  public static final String CLIENT_FRAMES = "client-frames";

  /** Direct exchange; routing key = gateway instance id (ADR 0005). */
  public static final String GATEWAY_DELIVERIES = "gateway-deliveries";

  private Destinations() {}
}
