package com.parley.im.events;

import java.time.Instant;

/** A profile changed. Published by user-service to {@value Destinations#USER_UPDATED}. */
public record UserUpdated(
    String eventId,
    Instant occurredAt,
    String userId,
    String displayName,
    String avatarMediaId,
    String bio)
    implements DomainEvent {}
