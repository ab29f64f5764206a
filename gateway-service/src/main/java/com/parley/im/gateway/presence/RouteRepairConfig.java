package com.parley.im.gateway.presence;

import com.parley.im.events.RoutingTableLost;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.session.SessionRegistry;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Reports this instance's open sockets again when presence-service lost its routes (ADR 0008):
 * {@code routing-table-lost} naming this instance, or every instance. Every instance consumes it
 * through its own queue (group = instance id), like revocations.
 *
 * <p>Each socket in the registry is reported {@code opened} through the same publishing thread as
 * every other report, so a socket that closes meanwhile has its {@code closed} after (presence
 * removes it) or before (its tombstone keeps the late {@code opened} from creating a route).
 * Idempotent: reporting an open socket twice changes nothing in the table.
 */
@Configuration(proxyBeanMethods = false)
class RouteRepairConfig {

  private static final Logger log = LoggerFactory.getLogger(RouteRepairConfig.class);

  @Bean
  Consumer<RoutingTableLost> reportSocketsAgain(
      SocketReporter reporter, SessionRegistry registry, GatewayProperties properties) {
    String me = properties.instanceId();
    return event -> {
      if (event.instanceId() != null && !event.instanceId().equals(me)) {
        return;
      }
      int[] reported = {0};
      registry.forEach(
          session -> {
            reporter.opened(session);
            reported[0]++;
          });
      log.info("presence lost this instance's routes: {} sockets reported again", reported[0]);
    };
  }
}
