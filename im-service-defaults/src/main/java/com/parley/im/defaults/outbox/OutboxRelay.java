package com.parley.im.defaults.outbox;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes unpublished outbox rows in {@code id} order and marks them published once the broker
 * confirmed them.
 *
 * <p>Promises: a committed row is published at least once; while the broker fails, rows stay and
 * are retried with a growing delay ({@code im.outbox.retry-backoff}, doubled per attempt up to
 * {@code max-retry-backoff}). Across replicas only one relay works at a time (a transaction-scoped
 * PostgreSQL advisory lock, plus {@code FOR UPDATE SKIP LOCKED} on the rows), so rows leave in
 * order: a failing row ends its batch and, until its retry delay has passed, holds back the rows
 * after it (head of line), so no later row overtakes it. Cannot promise: exactly once (a crash
 * after the confirm and before the commit publishes the row again; consumers deduplicate by {@code
 * eventId}).
 */
public class OutboxRelay implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private static final String SELECT_DUE =
      "select id, event_id, destination, event_type, payload, attempts,"
          + " next_attempt_at <= now() as due from outbox_event"
          + " where published_at is null order by id limit :limit for update skip locked";

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final Outbox outbox;
  private final OutboxPublisher publisher;
  private final OutboxProperties properties;
  private volatile Disposable running;
  private volatile Disposable cleaning;

  public OutboxRelay(
      DatabaseClient db,
      TransactionalOperator tx,
      Outbox outbox,
      OutboxPublisher publisher,
      OutboxProperties properties) {
    this.db = db;
    this.tx = tx;
    this.outbox = outbox;
    this.publisher = publisher;
    this.properties = properties;
  }

  @Override
  public void start() {
    running =
        Flux.merge(Flux.interval(Duration.ZERO, properties.pollInterval()), outbox.commits())
            .onBackpressureLatest()
            // One drain at a time, so this relay never publishes two batches concurrently.
            .concatMap(
                tick ->
                    drain()
                        .onErrorResume(
                            e -> {
                              log.warn("Outbox relay pass failed; retrying on the next tick", e);
                              return Mono.empty();
                            }),
                1)
            .name("outbox.relay")
            .subscribe();
    cleaning =
        Flux.interval(Duration.ofMinutes(1), Duration.ofMinutes(10))
            .onBackpressureDrop()
            .concatMap(
                tick ->
                    deletePublished()
                        .onErrorResume(
                            e -> {
                              log.warn("Could not delete old published outbox rows", e);
                              return Mono.empty();
                            }),
                1)
            .name("outbox.cleanup")
            .subscribe();
  }

  /** Deletes rows published longer ago than {@code im.outbox.retention}. */
  Mono<Long> deletePublished() {
    return db.sql(
            "delete from outbox_event where published_at < now() - make_interval(secs => :secs)")
        .bind("secs", (double) properties.retention().toSeconds())
        .fetch()
        .rowsUpdated();
  }

  @Override
  public void stop() {
    for (Disposable current : new Disposable[] {running, cleaning}) {
      if (current != null) {
        current.dispose();
      }
    }
    running = null;
    cleaning = null;
  }

  @Override
  public boolean isRunning() {
    return running != null && !running.isDisposed();
  }

  /** Publishes everything that is due now, batch after batch; emits how many rows it published. */
  public Mono<Integer> drain() {
    return relayBatch()
        .flatMap(
            batch ->
                batch.full()
                    ? drain().map(more -> more + batch.published())
                    : Mono.just(batch.published()));
  }

  private record Batch(int published, boolean full) {}

  private Mono<Batch> relayBatch() {
    Mono<Batch> work =
        db.sql("select pg_try_advisory_xact_lock(hashtext('im_outbox_relay'))")
            .map(row -> Boolean.TRUE.equals(row.get(0, Boolean.class)))
            .one()
            .flatMap(
                locked ->
                    locked
                        ? db.sql(SELECT_DUE)
                            .bind("limit", properties.batchSize())
                            .map(
                                row ->
                                    new Due(
                                        new OutboxMessage(
                                            row.get("id", Long.class),
                                            row.get("event_id", String.class),
                                            row.get("destination", String.class),
                                            row.get("event_type", String.class),
                                            row.get("payload", String.class)),
                                        row.get("attempts", Integer.class),
                                        Boolean.TRUE.equals(row.get("due", Boolean.class))))
                            .all()
                            .collectList()
                            .flatMap(this::publishInOrder)
                        : Mono.just(new Batch(0, false)));
    return tx.transactional(work);
  }

  private record Due(OutboxMessage message, int attempts, boolean due) {}

  private Mono<Batch> publishInOrder(List<Due> due) {
    // concatMap: one row after the other, in id order; takeUntil stops at the first failure so
    // that no later row is published before it.
    return Flux.fromIterable(due)
        // Head of line: a row still waiting for its retry holds back the rows after it.
        .takeWhile(Due::due)
        .concatMap(this::publishOne)
        .takeUntil(published -> !published)
        .filter(published -> published)
        .count()
        .map(n -> new Batch(n.intValue(), n == due.size() && due.size() == properties.batchSize()));
  }

  private Mono<Boolean> publishOne(Due due) {
    OutboxMessage message = due.message();
    return Mono.fromRunnable(() -> publisher.publish(message))
        .subscribeOn(Schedulers.boundedElastic())
        .then(
            db.sql("update outbox_event set published_at = now() where id = :id")
                .bind("id", message.id())
                .then())
        .thenReturn(Boolean.TRUE)
        .onErrorResume(
            e -> e instanceof RuntimeException,
            e -> {
              log.warn(
                  "Publishing outbox event {} to {} failed (attempt {}): {}",
                  message.eventId(),
                  message.destination(),
                  due.attempts() + 1,
                  e.toString());
              return db.sql(
                      "update outbox_event set attempts = attempts + 1, last_error = :error,"
                          + " next_attempt_at = now() + make_interval(secs => :delay)"
                          + " where id = :id")
                  .bind("error", String.valueOf(e.getMessage()))
                  .bind("delay", (double) retryDelay(due.attempts()).toMillis() / 1000.0)
                  .bind("id", message.id())
                  .then()
                  .thenReturn(Boolean.FALSE);
            });
  }

  private Duration retryDelay(int previousAttempts) {
    Duration delay = properties.retryBackoff().multipliedBy(1L << Math.min(previousAttempts, 16));
    return delay.compareTo(properties.maxRetryBackoff()) > 0 ? properties.maxRetryBackoff() : delay;
  }
}
