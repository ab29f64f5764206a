package com.parley.im.media.catalog;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The {@code media} table, and who may read an item. */
@Repository
public class MediaStore {

  private static final String COLUMNS =
      "media_id, owner_id, category, content_type, size, sha256, width, height, duration_ms, name,"
          + " storage_key, thumbnail_key, thumbnail_type, thumbnail_size, created_at";

  /** {@code :id} itself, or the item it is an alias of. */
  private static final String RESOLVED =
      "coalesce((select a.target_id from media_alias a where a.media_id = :id), :id)";

  private final DatabaseClient db;

  MediaStore(DatabaseClient db) {
    this.db = db;
  }

  /**
   * Inserts {@code media}, or, when its owner already has an item with the same bytes, answers that
   * one (the caller then deletes the bytes it just stored).
   */
  public Mono<Media> insertOrExisting(Media media) {
    GenericExecuteSpec insert =
        db.sql(
            "insert into media ("
                + COLUMNS
                + ") values (:id, :owner, :category, :type, :size, :sha, :w, :h, :d, :name, :key,"
                + " :tkey, :ttype, :tsize, now())"
                + " on conflict (owner_id, sha256) do nothing returning "
                + COLUMNS);
    insert =
        insert
            .bind("id", media.mediaId())
            .bind("owner", media.ownerId())
            .bind("category", media.category())
            .bind("type", media.contentType())
            .bind("size", media.size())
            .bind("sha", media.sha256())
            .bind("key", media.storageKey());
    insert = bindNullable(insert, "w", media.width(), Integer.class);
    insert = bindNullable(insert, "h", media.height(), Integer.class);
    insert = bindNullable(insert, "d", media.durationMs(), Long.class);
    insert = bindNullable(insert, "name", media.name(), String.class);
    insert = bindNullable(insert, "tkey", media.thumbnailKey(), String.class);
    insert = bindNullable(insert, "ttype", media.thumbnailType(), String.class);
    insert = bindNullable(insert, "tsize", media.thumbnailSize(), Long.class);
    return insert
        .map(MediaStore::read)
        .one()
        .switchIfEmpty(Mono.defer(() -> findByOwnerAndHash(media.ownerId(), media.sha256())));
  }

  public Mono<Media> findByOwnerAndHash(String ownerId, String sha256) {
    return db.sql("select " + COLUMNS + " from media where owner_id = :owner and sha256 = :sha")
        .bind("owner", ownerId)
        .bind("sha", sha256)
        .map(MediaStore::read)
        .one();
  }

  /** The item {@code mediaId} names, itself or through an alias (answered under that id). */
  public Mono<Media> findById(String mediaId) {
    return db.sql("select " + COLUMNS + " from media where media_id = " + RESOLVED)
        .bind("id", mediaId)
        .map(MediaStore::read)
        .one()
        .map(media -> media.mediaId().equals(mediaId) ? media : media.withId(mediaId));
  }

  /**
   * The item if {@code userId} may read it: its uploader, or a member of a conversation in which a
   * message with it was sent; empty otherwise (unknown and not allowed look the same).
   */
  public Mono<Media> findReadable(String mediaId, String userId) {
    return db.sql(
            "select "
                + COLUMNS
                + " from media m where m.media_id = "
                + RESOLVED
                + " and (m.owner_id = :user or exists ("
                + " select 1 from media_conversation mc join conversation_member cm"
                + " on cm.conversation_id = mc.conversation_id"
                + " where mc.media_id in (:id, m.media_id) and cm.user_id = :user))")
        .bind("id", mediaId)
        .bind("user", userId)
        .map(MediaStore::read)
        .one()
        .map(media -> media.mediaId().equals(mediaId) ? media : media.withId(mediaId));
  }

  /** Makes {@code alias} name the item {@code targetId} (a finished tus upload of known bytes). */
  public Mono<Void> alias(String alias, String targetId) {
    return db.sql(
            "insert into media_alias (media_id, target_id) values (:a, :t) on conflict do nothing")
        .bind("a", alias)
        .bind("t", targetId)
        .then();
  }

  private static <T> GenericExecuteSpec bindNullable(
      GenericExecuteSpec spec, String name, T value, Class<T> type) {
    return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
  }

  private static Media read(Readable row) {
    OffsetDateTime created = row.get("created_at", OffsetDateTime.class);
    Instant createdAt = created == null ? null : created.toInstant();
    return new Media(
        row.get("media_id", String.class),
        row.get("owner_id", String.class),
        row.get("category", String.class),
        row.get("content_type", String.class),
        row.get("size", Long.class),
        row.get("sha256", String.class),
        row.get("width", Integer.class),
        row.get("height", Integer.class),
        row.get("duration_ms", Long.class),
        row.get("name", String.class),
        row.get("storage_key", String.class),
        row.get("thumbnail_key", String.class),
        row.get("thumbnail_type", String.class),
        row.get("thumbnail_size", Long.class),
        createdAt);
  }
}
