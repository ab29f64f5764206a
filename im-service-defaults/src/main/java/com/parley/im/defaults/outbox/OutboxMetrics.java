package com.parley.im.defaults.outbox;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The outbox as a platform team watches it: {@code im.outbox.backlog} (committed rows not yet
 * published), {@code im.outbox.lag} (seconds since the oldest of them was committed: 0 when none
 * waits) and {@code im.outbox.listener.failures} (listener calls that failed or timed out). The
 * backlog is read every {@code interval} by one small query on the unpublished-rows index, never by
 * the scrape itself (a scrape reads gauges synchronously; the database is reactive).
 */
final class OutboxMetrics implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OutboxMetrics.class);

  private final DatabaseClient db;
  private final Duration interval;
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong lagMillis = new AtomicLong();
  private volatile Disposable polling;

  OutboxMetrics(DatabaseClient db, OutboxRelay relay, MeterRegistry meters, Duration interval) {
    this.db = db;
    this.interval = interval;
    Gauge.builder("im.outbox.backlog", backlog, AtomicLong::get)
        .description("Committed outbox rows not yet published")
        .baseUnit("rows")
        .register(meters);
    Gauge.builder("im.outbox.lag", lagMillis, millis -> millis.get() / 1000.0)
        .description("Age of the oldest unpublished outbox row (0 when none waits)")
        .baseUnit("seconds")
        .register(meters);
    FunctionCounter.builder("im.outbox.listener.failures", relay, OutboxRelay::listenerFailures)
        .description("Outbox relay listener calls that failed or timed out")
        .register(meters);
  }

  @Override
  public void start() {
    polling =
        Flux.interval(Duration.ZERO, interval)
            .onBackpressureDrop()
            .concatMap(tick -> read(), 1)
            .subscribe();
  }

  private Mono<Void> read() {
    return db.sql(
            "select count(*) as waiting,"
                + " coalesce(extract(epoch from now() - min(created_at)) * 1000, 0) as lag_ms"
                + " from outbox_event where published_at is null")
        .map(
            row -> {
              backlog.set(row.get("waiting", Long.class));
              lagMillis.set(row.get("lag_ms", Number.class).longValue());
              return true;
            })
        .one()
        .timeout(interval)
        .onErrorResume(
            e -> {
              log.debug("Outbox backlog not read: {}", e.toString());
              return Mono.empty();
            })
        .then();
  }

  @Override
  public void stop() {
    Disposable current = polling;
    if (current != null) {
      current.dispose();
    }
  }

  @Override
  public boolean isRunning() {
    Disposable current = polling;
    return current != null && !current.isDisposed();
  }
}
