package com.parley.im.presence.friend;

import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import com.parley.im.presence.Ids;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * presence-service's copy of the friendship graph ({@code friend}, both directions), kept from
 * relation-service's events the way user-service keeps its own.
 *
 * <p>Promises: each event takes effect at most once ({@code processed_event} in the transaction of
 * the effect), and per pair only the newest change counts ({@code friend_change}, by the event's
 * {@code occurredAt}), so a late or replayed older event cannot undo a newer one. Cannot promise:
 * to be current; until an event arrives, a new friend sees nothing and a removed one still does.
 */
@Service
public class Friends {

  private static final Logger log = LoggerFactory.getLogger(Friends.class);

  private final DatabaseClient db;
  private final TransactionalOperator tx;

  Friends(DatabaseClient db, ReactiveTransactionManager transactions) {
    this.db = db;
    this.tx = TransactionalOperator.create(transactions);
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

  Mono<Void> apply(FriendRequestAccepted event) {
    return change(event.eventId(), event.fromUserId(), event.toUserId(), event.occurredAt(), true);
  }

  Mono<Void> apply(FriendshipRemoved event) {
    return change(event.eventId(), event.userId(), event.friendId(), event.occurredAt(), false);
  }

  private Mono<Void> change(String eventId, String a, String b, Instant at, boolean friends) {
    Optional<UUID> first = Ids.parse(a);
    Optional<UUID> second = Ids.parse(b);
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
    List<UUID> pair = x.toString().compareTo(y.toString()) < 0 ? List.of(x, y) : List.of(y, x);
    Mono<Void> effect =
        newest(pair.get(0), pair.get(1), at)
            .flatMap(newest -> newest ? (friends ? add(x, y, at) : remove(x, y)) : Mono.empty());
    return tx.transactional(
        db.sql("insert into processed_event (event_id) values (:id) on conflict do nothing")
            .bind("id", eventId)
            .fetch()
            .rowsUpdated()
            .flatMap(rows -> rows > 0 ? effect : Mono.empty()));
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
}
