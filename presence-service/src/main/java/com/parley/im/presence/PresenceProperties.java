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
 */
@ConfigurationProperties("im.presence")
public record PresenceProperties(
    @DefaultValue("2s") Duration sweepInterval,
    @DefaultValue("15s") Duration defaultLease,
    @DefaultValue("1h") Duration eventMemory,
    @DefaultValue("200") int queryMaxIds) {}
