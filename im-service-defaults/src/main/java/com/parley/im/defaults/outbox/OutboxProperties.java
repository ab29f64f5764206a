package com.parley.im.defaults.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the outbox relay ({@code im.outbox.*}).
 *
 * @param pollInterval how often the relay looks for unpublished rows when nothing woke it up
 * @param batchSize rows published per transaction
 * @param confirmTimeout how long to wait for the broker's publisher confirm of one message
 * @param retryBackoff delay before a failed row is tried again (doubled per attempt)
 * @param maxRetryBackoff upper bound of that delay
 * @param retention how long published rows are kept (for inspection) before they are deleted
 * @param relayEnabled false: rows are written but this instance never publishes them (for tests
 *     that need committed, unpublished rows, such as a crash between commit and publish)
 * @param listenerTimeout how long the relay waits for one {@link OutboxRelayListener} per batch
 * @param gatherDelay how long the relay waits after a commit woke it before its pass, so that
 *     commits landing meanwhile share the pass (0: at once)
 */
@ConfigurationProperties("im.outbox")
public record OutboxProperties(
    @DefaultValue("1s") Duration pollInterval,
    @DefaultValue("100") int batchSize,
    @DefaultValue("5s") Duration confirmTimeout,
    @DefaultValue("1s") Duration retryBackoff,
    @DefaultValue("60s") Duration maxRetryBackoff,
    @DefaultValue("7d") Duration retention,
    @DefaultValue("true") boolean relayEnabled,
    @DefaultValue("2s") Duration listenerTimeout,
    @DefaultValue("0ms") Duration gatherDelay) {}
