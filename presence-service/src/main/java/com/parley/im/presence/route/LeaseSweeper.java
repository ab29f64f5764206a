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
 * Every {@code im.presence.sweep-interval} (2 s), drops the routes of every gateway instance whose
 * lease key has expired, and turns offline the users who had no other route: a gateway killed with
 * {@code kill -9} goes offline after its lease (15 s) plus at most one sweep.
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
  private volatile Disposable running;

  LeaseSweeper(RouteTable routes, PresenceTransitions transitions, PresenceProperties properties) {
    this.routes = routes;
    this.transitions = transitions;
    this.properties = properties;
  }

  /** One sweep over all known instances. */
  Mono<Void> sweep() {
    return routes
        .instances()
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
