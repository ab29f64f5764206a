package com.parley.im.events;

import java.time.Instant;

/**
 * presence-service found routes missing that gateways still hold (ADR 0008): its Redis lost its
 * data (flushed, restarted empty, replaced), or an instance renewed a lease that presence no longer
 * had. Published to {@value Destinations#ROUTING_TABLE_LOST}; the gateway instance named (every
 * instance when {@code instanceId} is null) reports each of its open sockets {@code opened} again.
 *
 * @param instanceId the instance whose routes are missing, or null for every instance
 */
public record RoutingTableLost(String eventId, Instant occurredAt, String instanceId)
    implements DomainEvent {}
