package com.parley.im.events;

import java.time.Instant;

/**
 * A gateway instance is alive and holds its sockets for {@code leaseSeconds} more. Published every
 * few seconds to {@value Destinations#GATEWAY_LEASE_RENEWED}; when it stops (the instance died),
 * presence-service drops the instance's routes once the lease ends (ADR 0005).
 */
public record GatewayLeaseRenewed(
    String eventId, Instant occurredAt, String instanceId, long leaseSeconds)
    implements DomainEvent {}
