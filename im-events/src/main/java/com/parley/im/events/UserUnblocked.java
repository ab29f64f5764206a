package com.parley.im.events;

import java.time.Instant;

/**
 * {@code blockerId} lifted the block of {@code blockedId}. Published by relation-service to {@value
 * Destinations#USER_UNBLOCKED}.
 */
public record UserUnblocked(String eventId, Instant occurredAt, String blockerId, String blockedId)
    implements DomainEvent {}
