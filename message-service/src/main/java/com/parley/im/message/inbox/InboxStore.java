package com.parley.im.message.inbox;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Reads a user's conversations with their member row, and the sync token, in one statement: the
 * rows and the token's xmin come from the same snapshot (see {@link SyncToken}).
 */
@Repository
class InboxStore {

  /**
   * A conversation and the caller's member row. {@code removed}: the caller left or was removed.
   */
  record Row(
      String id,
      String type,
      String name,
      String peerId,
      int memberCount,
      long lastSeq,
      Instant updatedAt,
      long readSeq,
      long fromSeq,
      boolean muted,
      boolean removed) {}

  /** The rows and the token of the snapshot they were read in. */
  record Page(List<Row> rows, SyncToken token) {}

  private static final String SELECT =
      "select s.xmin, x.* from (select pg_snapshot_xmin(pg_current_snapshot())::text as xmin) s"
          + " left join lateral ("
          + " select c.id, c.type, c.name, c.member_count, c.last_seq, c.updated_at,"
          + " m.read_seq, m.from_seq, m.muted, m.left_at is not null as removed,"
          + " case when c.type = 'direct' then (select o.user_id from member o"
          + " where o.conversation_id = c.id and o.user_id <> m.user_id"
          + " order by o.user_id limit 1) end as peer_id"
          + " from member m join conversation c on c.id = m.conversation_id"
          + " where m.user_id = :me and ";

  private final DatabaseClient db;

  InboxStore(DatabaseClient db) {
    this.db = db;
  }

  /** The conversations the user is an active member of. */
  Mono<Page> all(String userId) {
    return page(db.sql(SELECT + "m.left_at is null) x on true").bind("me", userId));
  }

  /**
   * The conversations changed by transactions the token's snapshot did not see: their row, or the
   * user's member row (joined, left, removed, role or mute changed). Left ones come with {@code
   * removed}.
   */
  Mono<Page> changedSince(String userId, SyncToken since) {
    return page(
        db.sql(
                SELECT
                    + "(c.change_xid >= cast(:since as xid8)"
                    + " or m.change_xid >= cast(:since as xid8))) x on true")
            .bind("me", userId)
            .bind("since", since.xid8()));
  }

  /** One conversation of an active member. */
  Mono<Page> one(String userId, String conversationId) {
    return page(
        db.sql(SELECT + "m.left_at is null and c.id = :id) x on true")
            .bind("me", userId)
            .bind("id", conversationId));
  }

  private Mono<Page> page(DatabaseClient.GenericExecuteSpec spec) {
    return spec.map(
            row -> {
              SyncToken token =
                  new SyncToken(Long.parseUnsignedLong(row.get("xmin", String.class)));
              String id = row.get("id", String.class);
              if (id == null) {
                return new Object[] {token};
              }
              return new Object[] {
                token,
                new Row(
                    id,
                    row.get("type", String.class),
                    row.get("name", String.class),
                    row.get("peer_id", String.class),
                    row.get("member_count", Integer.class),
                    row.get("last_seq", Long.class),
                    row.get("updated_at", OffsetDateTime.class).toInstant(),
                    row.get("read_seq", Long.class),
                    row.get("from_seq", Long.class),
                    row.get("muted", Boolean.class),
                    row.get("removed", Boolean.class))
              };
            })
        .all()
        .collectList()
        .map(
            results -> {
              List<Row> rows = new ArrayList<>();
              SyncToken token = null;
              for (Object[] result : results) {
                token = (SyncToken) result[0];
                if (result.length > 1) {
                  rows.add((Row) result[1]);
                }
              }
              return new Page(rows, token);
            });
  }
}
