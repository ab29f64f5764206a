package com.parley.im.media.tus;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code upload} table: resumable uploads while they arrive. */
@Repository
class UploadSessions {

  private static final String COLUMNS =
      "upload_id, owner_id, upload_length, upload_offset, name, expires_at";

  private final DatabaseClient db;

  UploadSessions(DatabaseClient db) {
    this.db = db;
  }

  Mono<UploadSession> create(UploadSession session) {
    return db.sql(
            "insert into upload (upload_id, owner_id, upload_length, name, expires_at)"
                + " values (:id, :owner, :length, :name, :expires) returning "
                + COLUMNS)
        .bind("id", session.uploadId())
        .bind("owner", session.ownerId())
        .bind("length", session.length())
        .bind(
            "name",
            session.name() == null
                ? org.springframework.r2dbc.core.Parameter.empty(String.class)
                : org.springframework.r2dbc.core.Parameter.from(session.name()))
        .bind("expires", session.expiresAt().atOffset(ZoneOffset.UTC))
        .map(UploadSessions::read)
        .one();
  }

  /** The owner's unexpired upload, or empty (someone else's looks like none). */
  Mono<UploadSession> find(String uploadId, String ownerId) {
    return db.sql(
            "select "
                + COLUMNS
                + " from upload where upload_id = :id and owner_id = :owner and expires_at > now()")
        .bind("id", uploadId)
        .bind("owner", ownerId)
        .map(UploadSessions::read)
        .one();
  }

  /**
   * Claims the owner's unexpired upload for one PATCH; empty when there is none or another PATCH
   * holds it (a claim older than an hour counts as released: its PATCH crashed).
   */
  Mono<UploadSession> claim(String uploadId, String ownerId) {
    return db.sql(
            "update upload set patching_since = now() where upload_id = :id and owner_id = :owner"
                + " and expires_at > now() and (patching_since is null"
                + " or patching_since < now() - interval '1 hour') returning "
                + COLUMNS)
        .bind("id", uploadId)
        .bind("owner", ownerId)
        .map(UploadSessions::read)
        .one();
  }

  /** Ends a claim: the bytes now stored, and a new expiry. */
  Mono<Void> release(String uploadId, long offset, Instant expiresAt) {
    return db.sql(
            "update upload set upload_offset = :offset, patching_since = null,"
                + " expires_at = :expires where upload_id = :id")
        .bind("id", uploadId)
        .bind("offset", offset)
        .bind("expires", expiresAt.atOffset(ZoneOffset.UTC))
        .then();
  }

  Mono<Boolean> delete(String uploadId, String ownerId) {
    return db.sql("delete from upload where upload_id = :id and owner_id = :owner")
        .bind("id", uploadId)
        .bind("owner", ownerId)
        .fetch()
        .rowsUpdated()
        .map(n -> n > 0);
  }

  /** Deletes the expired uploads (not those being appended to) and answers their ids. */
  Flux<String> deleteExpired() {
    return db.sql(
            "delete from upload where expires_at <= now() and (patching_since is null"
                + " or patching_since < now() - interval '1 hour') returning upload_id")
        .map(row -> row.get(0, String.class))
        .all();
  }

  private static UploadSession read(Readable row) {
    return new UploadSession(
        row.get("upload_id", String.class),
        row.get("owner_id", String.class),
        row.get("upload_length", Long.class),
        row.get("upload_offset", Long.class),
        row.get("name", String.class),
        row.get("expires_at", OffsetDateTime.class).toInstant());
  }
}
