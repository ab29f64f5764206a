package com.parley.im.gateway.session;

import com.parley.im.gateway.GatewayProperties;
import com.parley.im.protocol.SocketCodes;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs the sockets' two timers for the whole instance, so that no socket needs a timer of its own:
 *
 * <ul>
 *   <li>Heartbeat: one periodic sweep (every quarter interval) closes, with 4000 "heartbeat
 *       timeout", each socket whose client sent no data frame for 2.5 heartbeat intervals. Control
 *       frames (WebSocket ping/pong) do not count. So a dead client is noticed between 2.5 and 2.75
 *       intervals after its last frame.
 *   <li>Shutdown: when the application stops, before the web server's graceful shutdown, every
 *       socket is closed with 1001 "going away" and the instance waits (at most {@code
 *       shutdown-timeout}) for them to close, since open sockets would otherwise hold graceful
 *       shutdown up until its timeout.
 * </ul>
 */
@Component
class SocketLifecycle implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SocketLifecycle.class);

  /** Stops before the web server's graceful shutdown (phase {@code DEFAULT_PHASE - 1024}). */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private final SessionRegistry registry;
  private final GatewayProperties.WebSocket settings;
  private final String instanceId;
  private volatile Disposable sweeper;

  SocketLifecycle(SessionRegistry registry, GatewayProperties properties) {
    this.registry = registry;
    this.settings = properties.websocket();
    this.instanceId = properties.instanceId();
  }

  @Override
  public void start() {
    Duration period = settings.heartbeatInterval().dividedBy(4);
    if (period.compareTo(Duration.ofMillis(20)) < 0) {
      period = Duration.ofMillis(20);
    }
    long timeoutNanos = settings.heartbeatTimeout().toNanos();
    sweeper =
        Flux.interval(period, period, Schedulers.parallel())
            .name("im.gateway.heartbeat-sweep")
            .onBackpressureDrop()
            .subscribe(tick -> sweep(timeoutNanos));
    log.info(
        "Gateway instance {}: sockets at {}, heartbeat every {}, closed after {} without a frame",
        instanceId,
        settings.path(),
        settings.heartbeatInterval(),
        settings.heartbeatTimeout());
  }

  void sweep(long timeoutNanos) {
    long now = System.nanoTime();
    registry.forEach(
        session -> {
          if (now - session.lastFrameNanos() > timeoutNanos) {
            session.close(
                new CloseStatus(SocketCodes.CLOSE_HEARTBEAT_TIMEOUT, "heartbeat timeout"), null);
          }
        });
  }

  @Override
  public void stop(Runnable callback) {
    Disposable current = sweeper;
    if (current != null) {
      current.dispose();
    }
    int open = registry.size();
    if (open == 0) {
      callback.run();
      return;
    }
    log.info("Closing {} sockets with 1001 before shutting down", open);
    registry.forEach(
        session ->
            session.close(
                new CloseStatus(SocketCodes.CLOSE_GOING_AWAY, "server shutting down"), null));
    Flux.interval(Duration.ofMillis(50))
        .filter(tick -> registry.size() == 0)
        .next()
        .then()
        .timeout(settings.shutdownTimeout(), Mono.empty())
        .doFinally(signal -> callback.run())
        .subscribe();
  }

  @Override
  public void stop() {
    stop(() -> {});
  }

  @Override
  public boolean isRunning() {
    Disposable current = sweeper;
    return current != null && !current.isDisposed();
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
