package com.parley.im.presence;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of presence-service ({@code im.presence.*}).
 *
 * @param sweepInterval how often the sweeper looks for gateway instances whose lease expired
 * @param defaultLease lease given to an instance that reports a socket before its first renewal
 * @param eventMemory how long a consumed socket event id is remembered (duplicates are ignored)
 * @param queryMaxIds most user ids one {@code GET /api/presence} may ask about
 * @param rebuildWindow after a lost routing table (ADR 0008): how long the gateways have to report
 *     their sockets again, during which publishers keep the deliveries they cannot route yet
 */
@ConfigurationProperties("im.presence")
public record PresenceProperties(
    @DefaultValue("1s") Duration sweepInterval,
    @DefaultValue("15s") Duration defaultLease,
    @DefaultValue("1h") Duration eventMemory,
    @DefaultValue("200") int queryMaxIds,
    @DefaultValue("5s") Duration rebuildWindow) {}
