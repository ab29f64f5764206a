package com.parley.im.events;

import java.time.Instant;

/**
 * A client socket opened or closed on a gateway instance. Published by every gateway to {@value
 * Destinations#SOCKET_CHANGED}; presence-service keeps the routing table from it (ADR 0005).
 *
 * @param change {@code opened} or {@code closed}
 * @param reason for {@code closed}: {@code client}, {@code heartbeat_timeout}, {@code revoked},
 *     {@code shutdown}, {@code error}; null for {@code opened}
 */
public record SocketChanged(
    String eventId,
    Instant occurredAt,
    String instanceId,
    String userId,
    String deviceId,
    String sessionId,
    String socketId,
    String change,
    String reason)
    implements DomainEvent {

  public static final String OPENED = "opened";
  public static final String CLOSED = "closed";
}
