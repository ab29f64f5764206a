package com.parley.im.events;

import java.time.Instant;

/**
 * A user came online (first device) or went offline (last device). Published by presence-service to
 * {@value Destinations#PRESENCE_CHANGED}.
 */
public record PresenceChanged(
    String eventId, Instant occurredAt, String userId, boolean online, Instant lastSeenAt)
    implements DomainEvent {}
