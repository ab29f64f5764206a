package com.parley.im.user.friend;

import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Keeps the {@code friend} table (both directions of each friendship; discover leaves friends out)
 * in step with relation-service's events.
 *
 * <p>Promises: each event takes effect at most once (its id goes into {@code processed_event} in
 * the transaction of the effect), and per pair only the newest change counts ({@code
 * friend_change}, by the event's {@code occurredAt}, which relation-service takes from its database
 * clock under the pair's lock), so a late or replayed older event cannot undo a newer one.
 */
@Service
class FriendshipService {

  private static final Logger log = LoggerFactory.getLogger(FriendshipService.class);

  private final DatabaseClient db;
  private final TransactionalOperator tx;

  FriendshipService(DatabaseClient db, ReactiveTransactionManager transactions) {
    this.db = db;
    this.tx = TransactionalOperator.create(transactions);
  }

  Mono<Void> apply(FriendRequestAccepted event) {
    return change(event.eventId(), event.fromUserId(), event.toUserId(), event.occurredAt(), true);
  }

  Mono<Void> apply(FriendshipRemoved event) {
    return change(event.eventId(), event.userId(), event.friendId(), event.occurredAt(), false);
  }

  private Mono<Void> change(String eventId, String a, String b, Instant at, boolean friends) {
    Optional<UUID> first = parse(a);
    Optional<UUID> second = parse(b);
    if (first.isEmpty() || second.isEmpty() || first.get().equals(second.get()) || at == null) {
      log.warn("Ignoring friendship event {} for users {} and {}", eventId, a, b);
      return Mono.empty();
    }
    UUID x = first.get();
    UUID y = second.get();
    boolean ordered = x.toString().compareTo(y.toString()) < 0;
    UUID low = ordered ? x : y;
    UUID high = ordered ? y : x;
    Mono<Void> effect =
        newest(low, high, at)
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

  private static Optional<UUID> parse(String id) {
    try {
      return id == null ? Optional.empty() : Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
