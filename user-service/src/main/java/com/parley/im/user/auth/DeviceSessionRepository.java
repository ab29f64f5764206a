package com.parley.im.user.auth;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL over {@code device_session} and {@code refresh_token}. */
@Repository
class DeviceSessionRepository {

  private final DatabaseClient db;

  DeviceSessionRepository(DatabaseClient db) {
    this.db = db;
  }

  /** A session that was just revoked. */
  record Revoked(UUID sessionId, UUID userId, String deviceId) {}

  /** A refresh token row, locked, with its session. */
  record TokenState(
      UUID sessionId,
      UUID userId,
      String deviceId,
      boolean used,
      boolean expired,
      boolean sessionRevoked) {}

  /** Ends the active session of this device, if any. */
  Flux<Revoked> revokeActive(UUID userId, String deviceId, String reason) {
    return db.sql(
            "update device_session set revoked_at = now(), revoked_reason = :reason"
                + " where user_id = :u and device_id = :d and revoked_at is null"
                + " returning id, user_id, device_id")
        .bind("reason", reason)
        .bind("u", userId)
        .bind("d", deviceId)
        .map(
            row ->
                new Revoked(
                    row.get("id", UUID.class),
                    row.get("user_id", UUID.class),
                    row.get("device_id", String.class)))
        .all();
  }

  /** Ends this session if it is active. */
  Mono<Revoked> revoke(UUID sessionId, String reason) {
    return db.sql(
            "update device_session set revoked_at = now(), revoked_reason = :reason"
                + " where id = :id and revoked_at is null returning id, user_id, device_id")
        .bind("reason", reason)
        .bind("id", sessionId)
        .map(
            row ->
                new Revoked(
                    row.get("id", UUID.class),
                    row.get("user_id", UUID.class),
                    row.get("device_id", String.class)))
        .one();
  }

  Mono<Void> insertSession(UUID sessionId, UUID userId, String deviceId) {
    return db.sql("insert into device_session (id, user_id, device_id) values (:id, :u, :d)")
        .bind("id", sessionId)
        .bind("u", userId)
        .bind("d", deviceId)
        .then();
  }

  Mono<Void> insertRefreshToken(String tokenHash, UUID sessionId, Instant expiresAt) {
    return db.sql(
            "insert into refresh_token (token_hash, session_id, expires_at)"
                + " values (:h, :s, :e)")
        .bind("h", tokenHash)
        .bind("s", sessionId)
        .bind("e", OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC))
        .then();
  }

  /** The token's state, with the token and its session locked until the transaction ends. */
  Mono<TokenState> lockRefreshToken(String tokenHash) {
    return db.sql(
            "select s.id, s.user_id, s.device_id, t.used_at is not null as used,"
                + " t.expires_at <= now() as expired, s.revoked_at is not null as revoked"
                + " from refresh_token t join device_session s on s.id = t.session_id"
                + " where t.token_hash = :h for update of t, s")
        .bind("h", tokenHash)
        .map(
            row ->
                new TokenState(
                    row.get("id", UUID.class),
                    row.get("user_id", UUID.class),
                    row.get("device_id", String.class),
                    Boolean.TRUE.equals(row.get("used", Boolean.class)),
                    Boolean.TRUE.equals(row.get("expired", Boolean.class)),
                    Boolean.TRUE.equals(row.get("revoked", Boolean.class))))
        .one();
  }

  Mono<Void> markUsed(String tokenHash) {
    return db.sql("update refresh_token set used_at = now() where token_hash = :h")
        .bind("h", tokenHash)
        .then();
  }

  Mono<Boolean> isActive(UUID sessionId) {
    return db.sql("select revoked_at is null from device_session where id = :id")
        .bind("id", sessionId)
        .map(row -> Boolean.TRUE.equals(row.get(0, Boolean.class)))
        .one()
        .defaultIfEmpty(false);
  }
}
