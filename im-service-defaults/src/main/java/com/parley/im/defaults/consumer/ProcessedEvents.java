package com.parley.im.defaults.consumer;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The idempotent consumer: each event takes effect at most once. The event's id goes into the
 * service's own {@code processed_event} table (each service creates it in its first migration:
 * {@code event_id text primary key, processed_at timestamptz not null default now()}) in the same
 * transaction as the effect, so a redelivered or replayed event changes nothing, and a crash
 * between the two leaves neither.
 *
 * <p>Registered by {@link ConsumerAutoConfiguration} in every service with R2DBC. One copy for all
 * services (issue 8): relation-, user-, presence- and message-service each had their own.
 */
public class ProcessedEvents {

  private final DatabaseClient db;
  private final TransactionalOperator tx;

  public ProcessedEvents(DatabaseClient db, ReactiveTransactionManager transactions) {
    this.db = db;
    this.tx = TransactionalOperator.create(transactions);
  }

  /**
   * Runs {@code effect} in one transaction with recording {@code eventId}, unless the id was
   * recorded before; true when the effect ran.
   */
  public Mono<Boolean> once(String eventId, Mono<?> effect) {
    return tx.transactional(
        firstTime(eventId).flatMap(first -> first ? effect.thenReturn(true) : Mono.just(false)));
  }

  /**
   * Records {@code eventId}; true when it was not recorded before. For callers that compose the
   * transaction themselves: call it inside the transaction of the effect.
   */
  public Mono<Boolean> firstTime(String eventId) {
    return db.sql("insert into processed_event (event_id) values (:id) on conflict do nothing")
        .bind("id", eventId)
        .fetch()
        .rowsUpdated()
        .map(rows -> rows > 0);
  }
}
