package com.parley.im.defaults.consumer;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A service's own copy of the friendship graph, kept from relation-service's events ({@code
 * friend-request-accepted}, {@code friendship-removed}). One implementation for the services that
 * need it (user-service for discover, presence-service for who sees whom; issue 8 found two copies
 * of the same code).
 *
 * <p>Tables, in the service's own database: {@code friend (user_id uuid, friend_id uuid, since
 * timestamptz, primary key (user_id, friend_id))} with both directions of each friendship, and
 * {@code friend_change (user_low uuid, user_high uuid, changed_at timestamptz, primary key
 * (user_low, user_high))}, the newest change applied per pair.
 *
 * <p>Promises: each event takes effect at most once ({@link ProcessedEvents}), and per pair only
 * the newest change counts (by the event's {@code occurredAt}, which relation-service takes from
 * its database clock under the pair's lock), so a late or replayed older event (the two events
 * travel on different queues) cannot undo a newer one. Cannot promise: to be current; until an
 * event arrives, the previous state holds.
 */
public class FriendGraph {

  private static final Logger log = LoggerFactory.getLogger(FriendGraph.class);

  private final DatabaseClient db;
  private final ProcessedEvents processed;

  public FriendGraph(DatabaseClient db, ProcessedEvents processed) {
    this.db = db;
    this.processed = processed;
  }

  /** Applies one friendship change: {@code friends} true when made, false when ended. */
  public Mono<Void> change(String eventId, String a, String b, Instant at, boolean friends) {
    Optional<UUID> first = parse(a);
    Optional<UUID> second = parse(b);
    if (eventId == null
        || first.isEmpty()
        || second.isEmpty()
        || first.get().equals(second.get())
        || at == null) {
      log.warn("Ignoring friendship event {} for users {} and {}", eventId, a, b);
      return Mono.empty();
    }
    UUID x = first.get();
    UUID y = second.get();
    boolean ordered = x.toString().compareTo(y.toString()) < 0;
    Mono<Void> effect =
        newest(ordered ? x : y, ordered ? y : x, at)
            .flatMap(newest -> newest ? (friends ? add(x, y, at) : remove(x, y)) : Mono.empty());
    return processed.once(eventId, effect).then();
  }

  /** The friends of {@code userId}. */
  public Flux<UUID> of(UUID userId) {
    return db.sql("select friend_id from friend where user_id = :id")
        .bind("id", userId)
        .map(row -> row.get(0, UUID.class))
        .all();
  }

  /** Those of {@code candidates} who are friends of {@code userId}. */
  public Flux<UUID> among(UUID userId, Collection<UUID> candidates) {
    if (candidates.isEmpty()) {
      return Flux.empty();
    }
    return db.sql("select friend_id from friend where user_id = :id and friend_id = any(:ids)")
        .bind("id", userId)
        .bind("ids", candidates.toArray(UUID[]::new))
        .map(row -> row.get(0, UUID.class))
        .all();
  }

  /** Records {@code at} as the pair's newest change; false when a newer one was applied. */
  private Mono<Boolean> newest(UUID low, UUID high, Instant at) {
    return db.sql(
            "insert into friend_change (user_low, user_high, changed_at) values (:low, :high, :at)"
                + " on conflict (user_low, user_high) do update set changed_at = excluded.changed_at"
                + " where friend_change.changed_at < excluded.changed_at")
        .bind("low", low)
        .bind("high", high)
        .bind("at", at.atOffset(ZoneOffset.UTC))
        .fetch()
        .rowsUpdated()
        .map(rows -> rows > 0);
  }

  private Mono<Void> add(UUID x, UUID y, Instant since) {
    return db.sql(
            "insert into friend (user_id, friend_id, since) values (:x, :y, :since), (:y, :x, :since)"
                + " on conflict do nothing")
        .bind("x", x)
        .bind("y", y)
        .bind("since", since.atOffset(ZoneOffset.UTC))
        .then();
  }

  private Mono<Void> remove(UUID x, UUID y) {
    return db.sql(
            "delete from friend where (user_id = :x and friend_id = :y)"
                + " or (user_id = :y and friend_id = :x)")
        .bind("x", x)
        .bind("y", y)
        .then();
  }

  private static Optional<UUID> parse(String id) {
    try {
      return id == null ? Optional.empty() : Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
