package com.parley.im.user.account;

import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL over {@code app_user}. Which index serves which query: see the service README. */
@Repository
class AccountRepository {

  private static final String COLUMNS =
      "id, username, display_name, avatar_media_id, bio, created_at,"
          + " lower(display_name) collate \"C\" as dn";

  /** Display names that start with lower(:q): a range on the C-collated index. */
  private static final String PREFIX_RANGE =
      "lower(display_name) collate \"C\" >= lower(:q) collate \"C\""
          + " and lower(display_name) collate \"C\" < (lower(:q) || chr(1114111)) collate \"C\"";

  private static final String AFTER = " and (lower(display_name) collate \"C\", id) > (:dn, :id)";

  private static final String ORDER = " order by lower(display_name) collate \"C\", id limit :n";

  private final DatabaseClient db;

  AccountRepository(DatabaseClient db) {
    this.db = db;
  }

  /** A search result with its sort key. */
  record Hit(UserRow user, String dn) {}

  Mono<Boolean> usernameExists(String username) {
    return db.sql("select exists(select 1 from app_user where lower(username) = lower(:u))")
        .bind("u", username)
        .map(row -> Boolean.TRUE.equals(row.get(0, Boolean.class)))
        .one();
  }

  Mono<UserRow> insert(UUID id, String username, String displayName, String passwordHash) {
    return db.sql(
            "insert into app_user (id, username, display_name, password_hash)"
                + " values (:id, :u, :dn, :h) returning "
                + COLUMNS)
        .bind("id", id)
        .bind("u", username)
        .bind("dn", displayName)
        .bind("h", passwordHash)
        .map(AccountRepository::user)
        .one();
  }

  Mono<UserRow> findById(UUID id) {
    return db.sql("select " + COLUMNS + " from app_user where id = :id")
        .bind("id", id)
        .map(AccountRepository::user)
        .one();
  }

  /** id and password hash of the account with this username (any case). */
  Mono<AccountCredentials.Credentials> findCredentials(String username) {
    return db.sql("select id, password_hash from app_user where lower(username) = lower(:u)")
        .bind("u", username)
        .map(
            row ->
                new AccountCredentials.Credentials(
                    row.get("id", UUID.class).toString(), row.get("password_hash", String.class)))
        .one();
  }

  /** Applies the non-null fields; an empty avatar or bio becomes null. */
  Mono<UserRow> update(UUID id, String displayName, String avatarMediaId, String bio) {
    StringBuilder sql = new StringBuilder("update app_user set updated_at = now()");
    if (displayName != null) {
      sql.append(", display_name = :dn");
    }
    if (avatarMediaId != null) {
      sql.append(", avatar_media_id = nullif(:avatar, '')");
    }
    if (bio != null) {
      sql.append(", bio = nullif(:bio, '')");
    }
    sql.append(" where id = :id returning ").append(COLUMNS);
    DatabaseClient.GenericExecuteSpec spec = db.sql(sql.toString()).bind("id", id);
    if (displayName != null) {
      spec = spec.bind("dn", displayName);
    }
    if (avatarMediaId != null) {
      spec = spec.bind("avatar", avatarMediaId);
    }
    if (bio != null) {
      spec = spec.bind("bio", bio);
    }
    return spec.map(AccountRepository::user).one();
  }

  /** Phase 0 of search: the account whose username is exactly q (any case). */
  Flux<Hit> exactUsername(String q) {
    return db.sql("select " + COLUMNS + " from app_user where lower(username) = lower(:q)")
        .bind("q", q)
        .map(AccountRepository::hit)
        .all();
  }

  /** Phase 1: display names starting with q, in (name, id) order after the given key. */
  Flux<Hit> displayNamePrefix(String q, String afterDn, UUID afterId, int n) {
    String sql =
        "select "
            + COLUMNS
            + " from app_user where "
            + PREFIX_RANGE
            + " and lower(username) <> lower(:q)"
            + (afterId != null ? AFTER : "")
            + ORDER;
    return keyset(db.sql(sql).bind("q", q).bind("n", n), afterDn, afterId)
        .map(AccountRepository::hit)
        .all();
  }

  /** Phase 2: display names containing q but not starting with it. */
  Flux<Hit> displayNameSubstring(String q, String afterDn, UUID afterId, int n) {
    String sql =
        "select "
            + COLUMNS
            + " from app_user where lower(display_name) like '%' || lower(:pattern) || '%'"
            + " and not starts_with(lower(display_name), lower(:q))"
            + " and lower(username) <> lower(:q)"
            + (afterId != null ? AFTER : "")
            + ORDER;
    return keyset(
            db.sql(sql).bind("q", q).bind("pattern", escapeLike(q)).bind("n", n), afterDn, afterId)
        .map(AccountRepository::hit)
        .all();
  }

  /**
   * Up to n users from the random-key index, starting at {@code from} (wrapping is the caller's
   * job), never {@code self} nor a friend of {@code self}.
   */
  Flux<UserRow> sample(UUID self, double from, boolean below, int n) {
    String range = below ? "random_key < :r" : "random_key >= :r";
    return db.sql(
            "select "
                + COLUMNS
                + " from app_user u where "
                + range
                + " and u.id <> :self and not exists"
                + " (select 1 from friend f where f.user_id = :self and f.friend_id = u.id)"
                + " order by random_key limit :n")
        .bind("r", from)
        .bind("self", self)
        .bind("n", n)
        .map(AccountRepository::user)
        .all();
  }

  private static DatabaseClient.GenericExecuteSpec keyset(
      DatabaseClient.GenericExecuteSpec spec, String afterDn, UUID afterId) {
    return afterId == null ? spec : spec.bind("dn", afterDn).bind("id", afterId);
  }

  static String escapeLike(String q) {
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static Hit hit(Readable row) {
    return new Hit(user(row), row.get("dn", String.class));
  }

  private static UserRow user(Readable row) {
    OffsetDateTime created = row.get("created_at", OffsetDateTime.class);
    return new UserRow(
        row.get("id", UUID.class),
        row.get("username", String.class),
        row.get("display_name", String.class),
        row.get("avatar_media_id", String.class),
        row.get("bio", String.class),
        created == null ? null : created.toInstant());
  }
}
