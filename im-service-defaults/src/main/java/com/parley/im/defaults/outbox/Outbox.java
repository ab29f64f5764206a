package com.parley.im.defaults.outbox;

import com.parley.im.defaults.tracing.MessageTracing;
import com.parley.im.events.DomainEvent;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends events to the {@code outbox_event} table. Call {@link #append} inside the R2DBC
 * transaction that makes the change the event describes: the event then exists if and only if the
 * change committed. After the commit the {@link OutboxRelay} is woken up to publish it at once;
 * should that fail, its poll picks the row up later.
 */
public class Outbox {

  private final DatabaseClient db;
  private final JsonMapper json;
  private final MessageTracing tracing;
  private final Sinks.Many<Boolean> commits = Sinks.many().multicast().directBestEffort();

  public Outbox(DatabaseClient db, JsonMapper json) {
    this(db, json, MessageTracing.NOOP);
  }

  public Outbox(DatabaseClient db, JsonMapper json, MessageTracing tracing) {
    this.db = db;
    this.json = json;
    this.tracing = tracing;
  }

  /**
   * Stores {@code event} for publication to {@code destination} in the current transaction, with
   * the current trace context when it is sampled (ADR 0028).
   */
  public Mono<Void> append(String destination, DomainEvent event) {
    return Mono.defer(() -> append(destination, event, tracing.currentTraceparent()));
  }

  /**
   * Stores {@code event} for publication to {@code destination} in the current transaction, with
   * the trace context of the message it is about ({@code traceparent}, null for none): for callers
   * that write the events of many traces in one transaction.
   */
  public Mono<Void> append(String destination, DomainEvent event, String traceparent) {
    return append(destination, null, event, traceparent);
  }

  /**
   * Like {@link #append(String, DomainEvent, String)}, published with {@code routingKey} instead of
   * the destination as AMQP routing key (null for the destination; ADR 0032).
   */
  public Mono<Void> append(
      String destination, String routingKey, DomainEvent event, String traceparent) {
    return Mono.fromCallable(() -> json.writeValueAsString(event))
        .flatMap(
            payload -> {
              var spec =
                  db.sql(
                          "insert into outbox_event (event_id, destination, event_type, payload,"
                              + " traceparent, routing_key) values (:eventId, :destination,"
                              + " :eventType, :payload, :traceparent, :routingKey)")
                      .bind("eventId", event.eventId())
                      .bind("destination", destination)
                      .bind("eventType", event.getClass().getSimpleName())
                      .bind("payload", payload);
              return bindOrNull(
                      bindOrNull(spec, "traceparent", traceparent), "routingKey", routingKey)
                  .then();
            })
        .then(wakeRelayAfterCommit());
  }

  private static DatabaseClient.GenericExecuteSpec bindOrNull(
      DatabaseClient.GenericExecuteSpec spec, String name, String value) {
    return value == null ? spec.bindNull(name, String.class) : spec.bind(name, value);
  }

  /** Signals once after each transaction that appended events committed. */
  Flux<Boolean> commits() {
    return commits.asFlux();
  }

  /**
   * Wakes the relay once the current transaction commits (at once outside a transaction). For a
   * caller that writes its {@code outbox_event} rows itself, in the statement that makes its change
   * (one round trip less per transaction); {@link #append} calls it for its own rows.
   */
  public Mono<Void> wakeRelayAfterCommit() {
    return TransactionSynchronizationManager.forCurrentTransaction()
        .doOnNext(
            tsm -> {
              if (tsm.isSynchronizationActive()) {
                tsm.registerSynchronization(
                    new TransactionSynchronization() {
                      @Override
                      public Mono<Void> afterCommit() {
                        return Mono.fromRunnable(() -> commits.tryEmitNext(Boolean.TRUE));
                      }
                    });
              } else {
                commits.tryEmitNext(Boolean.TRUE);
              }
            })
        .onErrorResume(
            NoTransactionException.class,
            e -> Mono.fromRunnable(() -> commits.tryEmitNext(Boolean.TRUE)))
        .then();
  }
}
