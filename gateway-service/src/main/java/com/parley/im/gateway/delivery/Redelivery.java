package com.parley.im.gateway.delivery;

import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.session.SessionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The instance's one redelivery timer (ADR 0006 §4, PROTOCOL.md guarantee 4): every second (or a
 * quarter of the interval when that is shorter) it writes again, on every socket, the {@code
 * message} frames that no {@code recv} covered within {@code
 * im.gateway.websocket.redelivery-interval} (10 s) of their last write.
 *
 * <p>Promises: while a socket lasts, an uncovered frame is written again about every interval (up
 * to one sweep period late), oldest first. A sweep writes at most half of a socket's outbound queue
 * limit, so redelivery never disconnects a slow reader by itself; the rest follow in later sweeps.
 * Cannot promise: anything after the socket ends (the frames kept for it go with it; the client
 * catches up by seq after reconnecting), nor frames forgotten beyond the per-socket limit.
 */
@Component
class Redelivery implements SmartLifecycle {

  private final SessionRegistry registry;
  private final Duration interval;
  private final int maxPerSweep;
  private final Counter redelivered;
  private final AtomicLong redeliveredCount = new AtomicLong();
  private volatile Disposable sweeper;

  Redelivery(
      SessionRegistry registry,
      GatewayProperties properties,
      ObjectProvider<MeterRegistry> meters) {
    this.registry = registry;
    this.interval = properties.websocket().redeliveryInterval();
    this.maxPerSweep = Math.max(1, properties.websocket().outboundQueueLimit() / 2);
    this.redelivered =
        Counter.builder("im.gateway.redeliveries")
            .description("Message frames written again because no recv covered them in time")
            .tag("outcome", "written")
            .register(meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Override
  public void start() {
    Duration period = interval.dividedBy(4);
    if (period.compareTo(Duration.ofSeconds(1)) > 0) {
      period = Duration.ofSeconds(1);
    }
    if (period.compareTo(Duration.ofMillis(20)) < 0) {
      period = Duration.ofMillis(20);
    }
    sweeper =
        Flux.interval(period, period, Schedulers.parallel())
            .name("im.gateway.redelivery-sweep")
            .onBackpressureDrop()
            .subscribe(tick -> sweep(System.nanoTime()));
  }

  void sweep(long nowNanos) {
    long intervalNanos = interval.toNanos();
    long[] written = {0};
    registry.forEach(
        session -> written[0] += session.redeliverDue(nowNanos, intervalNanos, maxPerSweep));
    if (written[0] > 0) {
      redelivered.increment(written[0]);
      redeliveredCount.addAndGet(written[0]);
    }
  }

  /** Frames written again since start. */
  long redelivered() {
    return redeliveredCount.get();
  }

  @Override
  public void stop() {
    Disposable current = sweeper;
    if (current != null) {
      current.dispose();
    }
  }

  @Override
  public boolean isRunning() {
    Disposable current = sweeper;
    return current != null && !current.isDisposed();
  }
}
