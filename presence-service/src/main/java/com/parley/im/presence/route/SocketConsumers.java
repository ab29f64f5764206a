package com.parley.im.presence.route;

import com.parley.im.events.GatewayLeaseRenewed;
import com.parley.im.events.SocketChanged;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Consumers of the gateways' reports (group {@code presence-service}). {@code trackSocket} runs
 * with concurrency 1 (application.yml), so the opened and closed of one socket are applied in
 * order. Imperative on purpose: the binder retries a failed message and then dead-letters it; they
 * block a listener thread of the binder (never an event loop).
 */
@Configuration(proxyBeanMethods = false)
class SocketConsumers {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Bean
  Consumer<SocketChanged> trackSocket(SocketTracker tracker) {
    return event -> tracker.apply(event).block(TIMEOUT);
  }

  @Bean
  Consumer<GatewayLeaseRenewed> renewLease(SocketTracker tracker) {
    return event -> tracker.apply(event).block(TIMEOUT);
  }
}
