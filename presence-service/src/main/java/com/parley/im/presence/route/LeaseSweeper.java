package com.parley.im.presence.route;

import com.parley.im.presence.PresenceProperties;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Every {@code im.presence.sweep-interval} (1 s), drops the routes of every gateway instance whose
 * lease key has expired, and turns offline the users who had no other route: a gateway killed with
 * {@code kill -9} goes offline after its lease (15 s) plus at most one sweep. Each sweep also finds
 * a routing table that Redis lost (ADR 0008) within one interval and has it rebuilt.
 *
 * <p>Sweeps run one after another ({@code concatMap}); a failing sweep is logged and the next one
 * tries again. Several replicas may sweep at once: each instance is swept by one atomic script, so
 * a user is turned offline once.
 */
@Component
class LeaseSweeper implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);

  private final RouteTable routes;
  private final PresenceTransitions transitions;
  private final PresenceProperties properties;
  private final RoutingTableRepair repair;
  private volatile Disposable running;

  LeaseSweeper(
      RouteTable routes,
      PresenceTransitions transitions,
      PresenceProperties properties,
      RoutingTableRepair repair) {
    this.routes = routes;
    this.transitions = transitions;
    this.properties = properties;
    this.repair = repair;
  }

  /**
   * One sweep: first the table's marker (gone after a Redis loss, ADR 0008: then every gateway is
   * asked to report its sockets again), then all known instances.
   */
  Mono<Void> sweep() {
    Mono<Void> repairIfLost =
        routes
            .markLostTable(properties.rebuildWindow())
            .filter(Boolean::booleanValue)
            .flatMap(lost -> repair.askToReport(null));
    return repairIfLost
        .thenMany(routes.instances())
        // One instance, then one user at a time: transitions of a user stay in order.
        .concatMap(
            instance ->
                routes
                    .sweep(instance)
                    .concatMap(user -> transitions.changed(user, false, Instant.now())))
        .then();
  }

  @Override
  public void start() {
    running =
        Flux.interval(properties.sweepInterval(), Schedulers.parallel())
            .onBackpressureDrop()
            .name("presence.sweeps")
            .concatMap(
                tick ->
                    sweep()
                        .onErrorResume(
                            RuntimeException.class,
                            e -> {
                              log.warn("Lease sweep failed; the next one retries", e);
                              return Mono.empty();
                            }),
                1)
            .subscribe(
                done -> {}, e -> log.error("The lease sweeper stopped; presence stays stale", e));
  }

  @Override
  public void stop() {
    Disposable current = running;
    if (current != null) {
      current.dispose();
    }
    running = null;
  }

  @Override
  public boolean isRunning() {
    return running != null;
  }
}
