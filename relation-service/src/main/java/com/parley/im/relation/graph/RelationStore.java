package com.parley.im.relation.graph;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Friend requests, friendships and blocks in PostgreSQL. Every method runs in the caller's
 * transaction; whatever changes what two users share first takes {@link #lock} of their pair.
 */
@Repository
public class RelationStore {

  /** First key of the two-key advisory locks of pairs (a lock space of its own). */
  private static final int PAIR_LOCK_SPACE = 0x52454C41; // "RELA"

  private static final String REQUEST_COLUMNS =
      "id, from_user_id, to_user_id, message, status, created_at";

  private final DatabaseClient db;

  RelationStore(DatabaseClient db) {
    this.db = db;
  }

  /**
   * Serialises every change between these two users until the transaction ends (a
   * transaction-scoped advisory lock on the ordered pair), and answers the database clock after the
   * lock was granted: changes of one pair get increasing times, whichever replica makes them.
   */
  public Mono<Instant> lock(Pair pair) {
    return db.sql(
            "select clock_timestamp() as now from"
                + " (select pg_advisory_xact_lock(:space, hashtext(:key))) as locked")
        .bind("space", PAIR_LOCK_SPACE)
        .bind("key", pair.low() + ":" + pair.high())
        .map(row -> row.get("now", OffsetDateTime.class).toInstant())
        .one();
  }

  // --- blocks

  public Mono<Boolean> blocked(UUID blocker, UUID blocked) {
    return db.sql("select 1 from user_block where blocker_id = :a and blocked_id = :b")
        .bind("a", blocker)
        .bind("b", blocked)
        .map(row -> Boolean.TRUE)
        .one()
        .defaultIfEmpty(Boolean.FALSE);
  }

  /** True when the block is new. */
  public Mono<Boolean> block(UUID blocker, UUID blocked, Instant at) {
    return db.sql(
            "insert into user_block (blocker_id, blocked_id, created_at) values (:a, :b, :at)"
                + " on conflict do nothing")
        .bind("a", blocker)
        .bind("b", blocked)
        .bind("at", utc(at))
        .fetch()
        .rowsUpdated()
        .map(rows -> rows > 0);
  }

  /** True when there was a block to lift. */
  public Mono<Boolean> unblock(UUID blocker, UUID blocked) {
    return db.sql("delete from user_block where blocker_id = :a and blocked_id = :b")
        .bind("a", blocker)
        .bind("b", blocked)
        .fetch()
        .rowsUpdated()
        .map(rows -> rows > 0);
  }

  /** Whom {@code blocker} blocked, newest first, with their known names. */
  public Flux<RelationRow> blocksOf(UUID blocker, int limit) {
    return db.sql(
            "select b.blocked_id as user_id, k.display_name, b.created_at as since"
                + " from user_block b left join known_user k on k.id = b.blocked_id"
                + " where b.blocker_id = :me order by b.created_at desc, b.blocked_id limit :n")
        .bind("me", blocker)
        .bind("n", limit)
        .map(row -> relation(row))
        .all();
  }

  // --- friendships

  public Mono<Boolean> friends(Pair pair) {
    return db.sql("select 1 from friendship where user_low = :low and user_high = :high")
        .bind("low", pair.low())
        .bind("high", pair.high())
        .map(row -> Boolean.TRUE)
        .one()
        .defaultIfEmpty(Boolean.FALSE);
  }

  /** True when the friendship is new (the ordered-pair key makes a second one impossible). */
  public Mono<Boolean> befriend(Pair pair, Instant since, UUID requestId) {
    return db.sql(
            "insert into friendship (user_low, user_high, since, request_id)"
                + " values (:low, :high, :since, :request) on conflict do nothing")
        .bind("low", pair.low())
        .bind("high", pair.high())
        .bind("since", utc(since))
        .bind("request", requestId)
        .fetch()
        .rowsUpdated()
        .map(rows -> rows > 0);
  }

  /** True when there was a friendship to end. */
  public Mono<Boolean> unfriend(Pair pair) {
    return db.sql("delete from friendship where user_low = :low and user_high = :high")
        .bind("low", pair.low())
        .bind("high", pair.high())
        .fetch()
        .rowsUpdated()
        .map(rows -> rows > 0);
  }

  /** The friends of {@code user}, newest friendship first, with their known names. */
  public Flux<RelationRow> friendsOf(UUID user, int limit) {
    return db.sql(
            "select f.friend_id as user_id, k.display_name, f.since from ("
                + " select user_high as friend_id, since from friendship where user_low = :me"
                + " union all"
                + " select user_low as friend_id, since from friendship where user_high = :me"
                + ") f left join known_user k on k.id = f.friend_id"
                + " order by f.since desc, f.friend_id limit :n")
        .bind("me", user)
        .bind("n", limit)
        .map(row -> relation(row))
        .all();
  }

  // --- friend requests

  public Mono<FriendRequestRow> request(UUID id) {
    return db.sql("select " + REQUEST_COLUMNS + " from friend_request where id = :id")
        .bind("id", id)
        .map(row -> request(row))
        .one();
  }

  public Mono<FriendRequestRow> pending(UUID from, UUID to) {
    return db.sql(
            "select "
                + REQUEST_COLUMNS
                + " from friend_request where from_user_id = :from and to_user_id = :to"
                + " and status = 'pending'")
        .bind("from", from)
        .bind("to", to)
        .map(row -> request(row))
        .one();
  }

  public Mono<FriendRequestRow> insertRequest(FriendRequestRow row) {
    var spec =
        db.sql(
                "insert into friend_request (id, from_user_id, to_user_id, message, status,"
                    + " created_at, decided_at) values (:id, :from, :to, :message, :status, :at,"
                    + " :decidedAt)")
            .bind("id", row.id())
            .bind("from", row.fromUserId())
            .bind("to", row.toUserId())
            .bind("status", row.status())
            .bind("at", utc(row.createdAt()));
    spec =
        row.message() == null
            ? spec.bindNull("message", String.class)
            : spec.bind("message", row.message());
    spec =
        row.pending()
            ? spec.bindNull("decidedAt", OffsetDateTime.class)
            : spec.bind("decidedAt", utc(row.createdAt()));
    return spec.then().thenReturn(row);
  }

  /** Moves a pending request to {@code status}; empty when it was no longer pending. */
  public Mono<FriendRequestRow> decide(UUID id, String status, Instant at) {
    return db.sql(
            "update friend_request set status = :status, decided_at = :at"
                + " where id = :id and status = 'pending' returning "
                + REQUEST_COLUMNS)
        .bind("status", status)
        .bind("at", utc(at))
        .bind("id", id)
        .map(row -> request(row))
        .one();
  }

  /** Cancels the pending requests between the two, either way; emits their ids. */
  public Flux<UUID> cancelPendingBetween(Pair pair, Instant at) {
    return db.sql(
            "update friend_request set status = 'cancelled', decided_at = :at"
                + " where status = 'pending' and ((from_user_id = :low and to_user_id = :high)"
                + " or (from_user_id = :high and to_user_id = :low)) returning id")
        .bind("at", utc(at))
        .bind("low", pair.low())
        .bind("high", pair.high())
        .map(row -> row.get("id", UUID.class))
        .all();
  }

  /** Pending requests to ({@code incoming}) or from {@code user}, newest first. */
  public Flux<FriendRequestRow> pendingOf(UUID user, boolean incoming, int limit) {
    String column = incoming ? "to_user_id" : "from_user_id";
    return db.sql(
            "select "
                + REQUEST_COLUMNS
                + " from friend_request where "
                + column
                + " = :me and status = 'pending' order by created_at desc, id limit :n")
        .bind("me", user)
        .bind("n", limit)
        .map(row -> request(row))
        .all();
  }

  private static FriendRequestRow request(Readable row) {
    return new FriendRequestRow(
        row.get("id", UUID.class),
        row.get("from_user_id", UUID.class),
        row.get("to_user_id", UUID.class),
        row.get("message", String.class),
        row.get("status", String.class),
        row.get("created_at", OffsetDateTime.class).toInstant());
  }

  private static RelationRow relation(Readable row) {
    return new RelationRow(
        row.get("user_id", UUID.class),
        row.get("display_name", String.class),
        row.get("since", OffsetDateTime.class).toInstant());
  }

  private static OffsetDateTime utc(Instant at) {
    return at.atOffset(ZoneOffset.UTC);
  }
}
