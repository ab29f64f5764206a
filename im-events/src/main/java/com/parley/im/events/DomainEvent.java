package com.parley.im.events;

import java.time.Instant;

/**
 * A fact that a service publishes after its own database changed. Every event carries a unique
 * {@code eventId} so that consumers can recognise a redelivery, and the instant it happened.
 *
 * <p>Events evolve by adding fields; a breaking change is a new type.
 */
public interface DomainEvent {

  /** Unique id of this event; consumers use it to ignore duplicates. */
  String eventId();

  /** When the fact became true in the publishing service's database. */
  Instant occurredAt();
}
