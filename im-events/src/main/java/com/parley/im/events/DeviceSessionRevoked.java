package com.parley.im.events;

import java.time.Instant;

/**
 * A device session ended (logout, or reuse of a spent refresh token). Gateways close that device's
 * sockets. Published by user-service to {@value Destinations#DEVICE_SESSION_REVOKED}.
 *
 * @param reason {@code logout}, {@code refresh_token_reuse}, or {@code replaced} (a new login on
 *     the same device replaced this session)
 */
public record DeviceSessionRevoked(
    String eventId,
    Instant occurredAt,
    String userId,
    String deviceId,
    String sessionId,
    String reason)
    implements DomainEvent {}
