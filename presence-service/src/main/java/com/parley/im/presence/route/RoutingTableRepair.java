package com.parley.im.presence.route;

import com.parley.im.events.Destinations;
import com.parley.im.events.RoutingTableLost;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Asks gateways to report their open sockets again (ADR 0008) with {@link RoutingTableLost} on
 * {@value Destinations#ROUTING_TABLE_LOST}: every instance when the table's marker was gone (Redis
 * lost its data; also at presence's first start), one instance when it renewed a lease that
 * presence no longer had (its routes were swept while it lived).
 *
 * <p>Transient, not confirmed: a lost request for every instance is not repeated (the table's
 * marker is set by then); one for one instance neither (the renewal set its lease). Counted as
 * {@code im.presence.route-repairs{scope=all|instance}}.
 */
@Component
class RoutingTableRepair {

  private static final Logger log = LoggerFactory.getLogger(RoutingTableRepair.class);

  private final StreamBridge bridge;
  private final Counter all;
  private final Counter instance;

  RoutingTableRepair(StreamBridge bridge, ObjectProvider<MeterRegistry> meters) {
    this.bridge = bridge;
    MeterRegistry registry = meters.getIfAvailable(SimpleMeterRegistry::new);
    this.all = counter(registry, "all");
    this.instance = counter(registry, "instance");
  }

  private static Counter counter(MeterRegistry registry, String scope) {
    return Counter.builder("im.presence.route-repairs")
        .description("Requests to gateways to report their sockets again")
        .tag("scope", scope)
        .register(registry);
  }

  /** Asks {@code instanceId} (every instance when null) to report its sockets again. */
  Mono<Void> askToReport(String instanceId) {
    return Mono.fromRunnable(
            () -> {
              (instanceId == null ? all : instance).increment();
              log.info(
                  "Routing table incomplete: asking {} to report its sockets again",
                  instanceId == null ? "every gateway" : "gateway " + instanceId);
              bridge.send(
                  Destinations.ROUTING_TABLE_LOST,
                  new RoutingTableLost(UUID.randomUUID().toString(), Instant.now(), instanceId));
            })
        // The binder's send blocks on the channel: never on an event loop or the sweeper's timer.
        .subscribeOn(Schedulers.boundedElastic())
        .then();
  }
}
