package com.parley.im.events;

import java.time.Instant;

/** A new account exists. Published by user-service to {@value Destinations#USER_REGISTERED}. */
public record UserRegistered(
    String eventId, Instant occurredAt, String userId, String username, String displayName)
    implements DomainEvent {}
