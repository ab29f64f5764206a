package com.parley.im.relation.user;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The users relation-service knows of ({@code known_user}), filled from user-service's events. A
 * user is known shortly after registering: the event travels through user-service's outbox and the
 * broker first.
 */
@Repository
public class KnownUsers {

  private static final long RECHECK_MILLIS = 150;
  private static final Duration RECHECK = Duration.ofMillis(RECHECK_MILLIS);

  private final DatabaseClient db;

  KnownUsers(DatabaseClient db) {
    this.db = db;
  }

  public Mono<Boolean> exists(UUID id) {
    return db.sql("select 1 from known_user where id = :id")
        .bind("id", id)
        .map(row -> Boolean.TRUE)
        .one()
        .defaultIfEmpty(Boolean.FALSE);
  }

  /**
   * Whether the user is known, waiting up to {@code grace} for its {@code user-registered} event
   * (looked for again every {@value #RECHECK_MILLIS} ms; no thread waits).
   */
  public Mono<Boolean> existsWithin(UUID id, Duration grace) {
    return exists(id)
        .flatMap(
            found ->
                found || grace.isZero()
                    ? Mono.just(found)
                    : Flux.interval(RECHECK, RECHECK)
                        .concatMap(tick -> exists(id))
                        .filter(Boolean::booleanValue)
                        .next()
                        .timeout(grace, Mono.just(Boolean.FALSE)));
  }

  /** Display names of those of {@code ids} that are known. */
  public Mono<Map<UUID, String>> displayNames(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Mono.just(Map.of());
    }
    return db.sql("select id, display_name from known_user where id = any(cast(:ids as uuid[]))")
        .bind("ids", ids.stream().map(UUID::toString).toArray(String[]::new))
        .map(
            row ->
                Map.entry(
                    row.get("id", UUID.class), nullToEmpty(row.get("display_name", String.class))))
        .all()
        .collect(
            HashMap::new,
            (map, entry) ->
                map.put(entry.getKey(), entry.getValue().isEmpty() ? null : entry.getValue()));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /**
   * Records a registration. The username is kept in any case; the display name only when no newer
   * event ({@code changed_at}) already set it.
   */
  Mono<Void> registered(UUID id, String username, String displayName, Instant at) {
    return db.sql(
            "insert into known_user (id, username, display_name, changed_at)"
                + " values (:id, :username, :dn, :at)"
                + " on conflict (id) do update set username = excluded.username,"
                + " display_name = case when known_user.changed_at < excluded.changed_at"
                + " then excluded.display_name else known_user.display_name end,"
                + " changed_at = greatest(known_user.changed_at, excluded.changed_at)")
        .bind("id", id)
        .bind("username", username)
        .bind("dn", displayName)
        .bind("at", at.atOffset(ZoneOffset.UTC))
        .then();
  }

  /** Records a profile change unless a newer one was already applied. */
  Mono<Void> updated(UUID id, String displayName, Instant at) {
    return db.sql(
            "insert into known_user (id, display_name, changed_at) values (:id, :dn, :at)"
                + " on conflict (id) do update set display_name = excluded.display_name,"
                + " changed_at = excluded.changed_at"
                + " where known_user.changed_at < excluded.changed_at")
        .bind("id", id)
        .bind("dn", displayName)
        .bind("at", at.atOffset(ZoneOffset.UTC))
        .then();
  }
}
