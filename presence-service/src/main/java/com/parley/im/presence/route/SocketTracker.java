package com.parley.im.presence.route;

import com.parley.im.events.GatewayLeaseRenewed;
import com.parley.im.events.SocketChanged;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Applies the gateways' socket and lease reports to the {@link RouteTable} and hands each
 * online/offline transition to {@link PresenceTransitions}; a renewal of a lease the table did not
 * have makes that instance report its sockets again ({@link RoutingTableRepair}).
 *
 * <p>Promises: a user turns online with the first socket on any instance and offline when the last
 * one closes (whatever the reason: client, heartbeat timeout, revocation, shutdown); a duplicate
 * event changes nothing. Cannot promise: a transition whose follow-up ({@code last_seen} and the
 * event) still fails after its own few retries is not repeated by a redelivery of the same event,
 * since the routing table already remembers that event (the user's next transition corrects {@code
 * last_seen}).
 */
@Service
class SocketTracker {

  private static final Logger log = LoggerFactory.getLogger(SocketTracker.class);

  private final RouteTable routes;
  private final PresenceTransitions transitions;
  private final RoutingTableRepair repair;

  SocketTracker(RouteTable routes, PresenceTransitions transitions, RoutingTableRepair repair) {
    this.routes = routes;
    this.transitions = transitions;
    this.repair = repair;
  }

  Mono<Void> apply(SocketChanged event) {
    if (event.eventId() == null
        || blank(event.instanceId())
        || blank(event.userId())
        || blank(event.deviceId())
        || blank(event.socketId())) {
      log.warn("Ignoring incomplete socket event {}", event);
      return Mono.empty();
    }
    boolean opened = SocketChanged.OPENED.equals(event.change());
    if (!opened && !SocketChanged.CLOSED.equals(event.change())) {
      log.warn("Ignoring socket event {} with change {}", event.eventId(), event.change());
      return Mono.empty();
    }
    Mono<RouteTable.Outcome> outcome =
        opened
            ? routes.opened(
                event.eventId(),
                event.instanceId(),
                event.userId(),
                event.deviceId(),
                event.socketId())
            : routes.closed(
                event.eventId(),
                event.instanceId(),
                event.userId(),
                event.deviceId(),
                event.socketId());
    Instant at = event.occurredAt() != null ? event.occurredAt() : Instant.now();
    return outcome
        .filter(RouteTable.Outcome.TRANSITION::equals)
        .flatMap(transition -> transitions.changed(event.userId(), opened, at));
  }

  Mono<Void> apply(GatewayLeaseRenewed event) {
    if (blank(event.instanceId()) || event.leaseSeconds() <= 0) {
      log.warn("Ignoring lease event {}", event);
      return Mono.empty();
    }
    // A lease presence did not know while its table is complete: the instance's routes were
    // swept (its renewals were late) or never arrived; it reports its sockets again (ADR 0008).
    return routes
        .renew(event.instanceId(), event.leaseSeconds() * 1000)
        .filter(RouteTable.Renewal.LOST::equals)
        .flatMap(lost -> repair.askToReport(event.instanceId()));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
