package com.parley.im.defaults.outbox;

import com.parley.im.defaults.tracing.MessageTracing;
import io.micrometer.tracing.Span;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
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
 * PostgreSQL advisory lock, plus {@code FOR UPDATE SKIP LOCKED} on the rows). Each batch of due
 * rows (up to {@code im.outbox.batch-size}) is shown to every {@link OutboxRelayListener} (each
 * bounded by {@code im.outbox.listener-timeout}) while it is published as a whole, and its confirms
 * are awaited together (ADR 0004); the pass ends when both are done. When a listener fails or times
 * out, nothing of the batch counts as published and the whole batch is relayed again after the
 * retry delay (message-service's pushes are as durable as its events), up to {@value
 * #LISTENER_ATTEMPTS} passes; after that it is published without the listener, logged and counted
 * ({@link #listenerFailures}). Otherwise the confirmed prefix is marked published with one update,
 * the first failed row gets its retry delay, and the rows after it stay for a later pass. A row
 * waiting for its retry holds back the rows after it (head of line), so no later row is published
 * in a pass before it. With {@code im.outbox.relay-enabled=false} rows are written and never
 * published by this instance. Cannot promise: exactly once (a crash after the confirms and before
 * the commit publishes the batch again; rows after a failed one may already have reached the broker
 * and are published again after it), so consumers deduplicate by {@code eventId}.
 */
public class OutboxRelay implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  /**
   * Passes of a batch that fail on a listener before the batch is published without it (a listener
   * that keeps failing must not hold every later event back for ever).
   */
  static final int LISTENER_ATTEMPTS = 5;

  private static final String SELECT_DUE =
      "select id, event_id, destination, event_type, payload, traceparent, routing_key, attempts,"
          + " next_attempt_at <= now() as due from outbox_event"
          + " where published_at is null order by id limit :limit for update skip locked";

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final Outbox outbox;
  private final OutboxPublisher publisher;
  private final OutboxProperties properties;
  private final Supplier<List<OutboxRelayListener>> listenerSource;
  private final MessageTracing tracing;
  private final AtomicLong listenerFailures = new AtomicLong();
  private volatile List<OutboxRelayListener> listeners;
  private volatile Disposable running;
  private volatile Disposable cleaning;

  public OutboxRelay(
      DatabaseClient db,
      TransactionalOperator tx,
      Outbox outbox,
      OutboxPublisher publisher,
      OutboxProperties properties) {
    this(db, tx, outbox, publisher, properties, List::of);
  }

  /**
   * @param listeners the relay listeners, asked for once when the first batch is relayed (so they
   *     may depend on beans created after the relay)
   */
  public OutboxRelay(
      DatabaseClient db,
      TransactionalOperator tx,
      Outbox outbox,
      OutboxPublisher publisher,
      OutboxProperties properties,
      Supplier<List<OutboxRelayListener>> listeners) {
    this(db, tx, outbox, publisher, properties, listeners, MessageTracing.NOOP);
  }

  /**
   * @param tracing spans for the batches that carry sampled rows (ADR 0028)
   */
  public OutboxRelay(
      DatabaseClient db,
      TransactionalOperator tx,
      Outbox outbox,
      OutboxPublisher publisher,
      OutboxProperties properties,
      Supplier<List<OutboxRelayListener>> listeners,
      MessageTracing tracing) {
    this.tracing = tracing;
    this.db = db;
    this.tx = tx;
    this.outbox = outbox;
    this.publisher = publisher;
    this.properties = properties;
    this.listenerSource = listeners;
  }

  /** How many listener calls failed or timed out since this relay was created. */
  public long listenerFailures() {
    return listenerFailures.get();
  }

  @Override
  public void start() {
    if (!properties.relayEnabled()) {
      log.warn("Outbox relay disabled (im.outbox.relay-enabled=false): events are not published");
    } else {
      startRelaying();
    }
    startCleaning();
  }

  private void startRelaying() {
    running =
        Flux.merge(Flux.interval(Duration.ZERO, properties.pollInterval()), outbox.commits())
            .onBackpressureLatest()
            // One drain at a time, so this relay never publishes two batches concurrently.
            .concatMap(
                tick ->
                    gather()
                        .then(drain())
                        .onErrorResume(
                            e -> {
                              log.warn("Outbox relay pass failed; retrying on the next tick", e);
                              return Mono.empty();
                            }),
                1)
            .name("outbox.relay")
            .subscribe();
  }

  /** Waits {@code im.outbox.gather-delay} (commits meanwhile wake no second pass). */
  private Mono<Long> gather() {
    Duration delay = properties.gatherDelay();
    return delay.isZero() ? Mono.empty() : Mono.delay(delay);
  }

  private void startCleaning() {
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
    Disposable current = properties.relayEnabled() ? running : cleaning;
    return current != null && !current.isDisposed();
  }

  /** Publishes everything that is due now, batch after batch; emits how many rows it published. */
  public Mono<Integer> drain() {
    if (!properties.relayEnabled()) {
      return Mono.just(0);
    }
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
                                            row.get("payload", String.class),
                                            row.get("traceparent", String.class),
                                            row.get("routing_key", String.class)),
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
    // Head of line: a row still waiting for its retry holds back the rows after it.
    List<Due> ready = due.stream().takeWhile(Due::due).toList();
    if (ready.isEmpty()) {
      return Mono.just(new Batch(0, false));
    }
    List<OutboxMessage> messages = ready.stream().map(Due::message).toList();
    // The listeners and the broker work on the batch at the same time: a pass takes the longer of
    // the two, not their sum.
    Mono<OutboxPublisher.Published> publishing =
        Mono.fromCallable(() -> publishTraced(messages))
            .subscribeOn(Schedulers.boundedElastic())
            .onErrorResume(
                RuntimeException.class, e -> Mono.just(new OutboxPublisher.Published(0, e)));
    return Mono.zip(notifyListeners(messages), publishing)
        .flatMap(
            done -> {
              OutboxPublisher.Published result = done.getT2();
              if (!done.getT1() && ready.get(0).attempts() < LISTENER_ATTEMPTS) {
                // A listener failed: nothing counts as published, and the whole batch (listeners
                // and broker) is relayed again after the head row's retry delay.
                return markFailed(ready.get(0), new IllegalStateException("a listener failed"))
                    .thenReturn(new Batch(0, false));
              }
              int confirmed = Math.max(0, Math.min(result.confirmed(), ready.size()));
              Mono<Void> failed =
                  confirmed < ready.size()
                      ? markFailed(ready.get(confirmed), result.failure())
                      : Mono.empty();
              return markPublished(messages.subList(0, confirmed))
                  .then(failed)
                  .thenReturn(
                      new Batch(
                          confirmed,
                          confirmed == due.size() && due.size() == properties.batchSize()));
            });
  }

  /**
   * Publishes the batch; when it carries sampled rows, inside an {@code outbox.publish} span: the
   * child of the first sampled row's trace, linked to the others (ADR 0028).
   */
  private OutboxPublisher.Published publishTraced(List<OutboxMessage> messages) {
    Span span =
        tracing.startBatch(
            "outbox.publish", messages.stream().map(OutboxMessage::traceparent).toList());
    if (span == null) {
      return publisher.publishAll(messages);
    }
    try (var scope = tracing.inScope(span)) {
      OutboxPublisher.Published published = publisher.publishAll(messages);
      span.tag("im.outbox.confirmed", published.confirmed());
      if (published.failure() != null) {
        span.error(published.failure());
      }
      return published;
    } finally {
      span.end();
    }
  }

  /**
   * Shows the batch to every listener, one after the other; never fails, emits whether every
   * listener succeeded in time.
   */
  private Mono<Boolean> notifyListeners(List<OutboxMessage> messages) {
    List<OutboxRelayListener> current = listeners;
    if (current == null) {
      current = listenerSource.get();
      listeners = current;
    }
    return Flux.fromIterable(current)
        .concatMap(
            listener ->
                Mono.defer(() -> listener.relaying(messages))
                    .timeout(properties.listenerTimeout())
                    .thenReturn(true)
                    .onErrorResume(
                        e -> {
                          listenerFailures.incrementAndGet();
                          log.warn(
                              "Outbox relay listener {} failed on a batch of {} rows: {}",
                              listener.getClass().getName(),
                              messages.size(),
                              e.toString());
                          return Mono.just(false);
                        }))
        .all(succeeded -> succeeded);
  }

  private Mono<Void> markPublished(List<OutboxMessage> published) {
    if (published.isEmpty()) {
      return Mono.empty();
    }
    return db.sql("update outbox_event set published_at = now() where id = any(:ids)")
        .bind("ids", published.stream().map(OutboxMessage::id).toArray(Long[]::new))
        .then();
  }

  private Mono<Void> markFailed(Due due, RuntimeException error) {
    OutboxMessage message = due.message();
    log.warn(
        "Publishing outbox event {} to {} failed (attempt {}): {}",
        message.eventId(),
        message.destination(),
        due.attempts() + 1,
        String.valueOf(error));
    return db.sql(
            "update outbox_event set attempts = attempts + 1, last_error = :error,"
                + " next_attempt_at = now() + make_interval(secs => :delay)"
                + " where id = :id")
        .bind("error", String.valueOf(error == null ? "not confirmed" : error.getMessage()))
        .bind("delay", (double) retryDelay(due.attempts()).toMillis() / 1000.0)
        .bind("id", message.id())
        .then();
  }

  private Duration retryDelay(int previousAttempts) {
    Duration delay = properties.retryBackoff().multipliedBy(1L << Math.min(previousAttempts, 16));
    return delay.compareTo(properties.maxRetryBackoff()) > 0 ? properties.maxRetryBackoff() : delay;
  }
}
