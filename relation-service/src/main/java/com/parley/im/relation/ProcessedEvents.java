package com.parley.im.relation;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Consumed event ids ({@code processed_event}). Call {@link #firstTime} in the transaction of the
 * consumer's effect: the id and the effect commit together, so a redelivered event changes nothing.
 */
@Component
public class ProcessedEvents {

  private final DatabaseClient db;

  ProcessedEvents(DatabaseClient db) {
    this.db = db;
  }

  /** True when this event id was not processed before (and records it). */
  public Mono<Boolean> firstTime(String eventId) {
    return db.sql("insert into processed_event (event_id) values (:id) on conflict do nothing")
        .bind("id", eventId)
        .fetch()
        .rowsUpdated()
        .map(rows -> rows > 0);
  }
}
