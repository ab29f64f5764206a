package com.parley.im.unread.count;

import com.parley.im.events.ConversationChanged;
import com.parley.im.events.MessageStored;
import com.parley.im.events.ReadPositionMoved;
import io.r2dbc.spi.Readable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The durable truth of the counts (ADR 0010): {@code conversation_position} and {@code
 * member_position} in unread-service's own database. Each batch of events is one statement whose
 * upserts only raise values ({@code where old < new}), so a duplicated, replayed or reordered event
 * changes nothing; membership follows the change with the highest seq. Each statement answers the
 * current state of everything it touched (changed or not: a batch retried after a Redis failure
 * still repairs the copy) and which counts changed.
 */
@Component
class PositionStore {

  private static final String ROW_COLUMNS =
      "kind, conversation_id, user_id, seq, active, muted, version, changed";

  private final DatabaseClient db;

  PositionStore(DatabaseClient db) {
    this.db = db;
  }

  /**
   * Messages: each conversation's last seq rises to the highest seq of the batch, each sender's
   * read position to their highest message (a user's own send reads everything before it).
   */
  Mono<Applied> applyMessages(List<MessageStored> events) {
    Map<String, Long> last = new LinkedHashMap<>();
    Map<List<String>, Long> sent = new LinkedHashMap<>();
    for (MessageStored e : events) {
      last.merge(e.conversationId(), e.seq(), Math::max);
      if (e.senderId() != null) {
        sent.merge(List.of(e.senderId(), e.conversationId()), e.seq(), Math::max);
      }
    }
    String sql =
        "with v as (select * from unnest(:lc::text[], :ls::bigint[]) as v(c, s)),"
            + " r as (select * from unnest(:ru::text[], :rc::text[], :rs::bigint[]) as r(u, c, s)),"
            + " raised as (insert into conversation_position (conversation_id, last_seq)"
            + " select c, s from v on conflict (conversation_id) do update"
            + " set last_seq = excluded.last_seq"
            + " where conversation_position.last_seq < excluded.last_seq"
            + " returning conversation_id, last_seq),"
            + " sent as (insert into member_position (user_id, conversation_id, read_seq)"
            + " select u, c, s from r on conflict (user_id, conversation_id) do update"
            + " set read_seq = excluded.read_seq, version = member_position.version + 1"
            + " where member_position.read_seq < excluded.read_seq"
            + " returning user_id, conversation_id, read_seq, active, muted, version)"
            + lastRows("v")
            + " union all"
            + positionRows("r", "sent")
            // The members of the conversations that got new messages: their counts moved.
            + " union all select 'member', p.conversation_id, p.user_id, 0, true, p.muted,"
            + " p.version, true from member_position p"
            + " join raised l on l.conversation_id = p.conversation_id where p.active";
    return db.sql(sql)
        .bind("lc", last.keySet().toArray(String[]::new))
        .bind("ls", last.values().toArray(Long[]::new))
        .bind("ru", sent.keySet().stream().map(k -> k.get(0)).toArray(String[]::new))
        .bind("rc", sent.keySet().stream().map(k -> k.get(1)).toArray(String[]::new))
        .bind("rs", sent.values().toArray(Long[]::new))
        .map(PositionStore::row)
        .all()
        .collectList()
        .map(PositionStore::applied);
  }

  /** Read positions: each rises to the highest of the batch. */
  Mono<Applied> applyReads(List<ReadPositionMoved> events) {
    Map<List<String>, Long> read = new LinkedHashMap<>();
    for (ReadPositionMoved e : events) {
      read.merge(List.of(e.userId(), e.conversationId()), e.readSeq(), Math::max);
    }
    String sql =
        "with r as (select * from unnest(:ru::text[], :rc::text[], :rs::bigint[]) as r(u, c, s)),"
            + " moved as (insert into member_position (user_id, conversation_id, read_seq)"
            + " select u, c, s from r on conflict (user_id, conversation_id) do update"
            + " set read_seq = excluded.read_seq, version = member_position.version + 1"
            + " where member_position.read_seq < excluded.read_seq"
            + " returning user_id, conversation_id, read_seq, active, muted, version)"
            + positionRows("r", "moved");
    return db.sql(sql)
        .bind("ru", read.keySet().stream().map(k -> k.get(0)).toArray(String[]::new))
        .bind("rc", read.keySet().stream().map(k -> k.get(1)).toArray(String[]::new))
        .bind("rs", read.values().toArray(Long[]::new))
        .map(PositionStore::row)
        .all()
        .collectList()
        .map(PositionStore::applied);
  }

  /**
   * Membership: after a change with seq s, its {@code memberIds} are members and its {@code
   * removedUserIds} are not, unless the row already follows a change with a higher seq. Those it
   * adds (every member, for {@code created}) read from the joining message on: their read position
   * rises to s - 1, as in message-service.
   */
  Mono<Applied> applyMembership(List<ConversationChanged> events) {
    record Membership(long seq, boolean active, long readFloor) {}
    Map<List<String>, Membership> rows = new LinkedHashMap<>();
    for (ConversationChanged e : events) {
      Set<String> joined = new HashSet<>(nonNull(e.addedUserIds()));
      if ("created".equals(e.change())) {
        joined.addAll(nonNull(e.memberIds()));
      }
      Map<String, Boolean> state = new LinkedHashMap<>();
      nonNull(e.memberIds()).forEach(u -> state.put(u, true));
      nonNull(e.removedUserIds()).forEach(u -> state.put(u, false));
      state.forEach(
          (user, active) -> {
            long floor = joined.contains(user) ? Math.max(0, e.seq() - 1) : 0;
            rows.merge(
                List.of(user, e.conversationId()),
                new Membership(e.seq(), active, floor),
                (a, b) ->
                    new Membership(
                        Math.max(a.seq(), b.seq()),
                        a.seq() >= b.seq() ? a.active() : b.active(),
                        Math.max(a.readFloor(), b.readFloor())));
          });
    }
    if (rows.isEmpty()) {
      return Mono.just(new Applied(Map.of(), List.of(), Set.of()));
    }
    String sql =
        "with r as (select * from unnest(:ru::text[], :rc::text[], :rf::bigint[],"
            + " :ra::boolean[], :rs::bigint[]) as r(u, c, s, a, m)),"
            + " moved as (insert into member_position"
            + " (user_id, conversation_id, read_seq, active, membership_seq)"
            + " select u, c, s, a, m from r on conflict (user_id, conversation_id) do update set"
            + " active = case when member_position.membership_seq < excluded.membership_seq"
            + " then excluded.active else member_position.active end,"
            + " membership_seq = greatest(member_position.membership_seq, excluded.membership_seq),"
            + " read_seq = greatest(member_position.read_seq, excluded.read_seq),"
            + " version = member_position.version + 1"
            + " where member_position.membership_seq < excluded.membership_seq"
            + " or member_position.read_seq < excluded.read_seq"
            + " returning user_id, conversation_id, read_seq, active, muted, version)"
            + positionRows("r", "moved")
            // The conversations' last seqs (0 before their first message), for the copy.
            + " union all select 'last', v.c, null, coalesce(cp.last_seq, 0), false, false, 0,"
            + " false from (select distinct c from r) v"
            + " left join conversation_position cp on cp.conversation_id = v.c";
    List<List<String>> keys = List.copyOf(rows.keySet());
    return db.sql(sql)
        .bind("ru", keys.stream().map(k -> k.get(0)).toArray(String[]::new))
        .bind("rc", keys.stream().map(k -> k.get(1)).toArray(String[]::new))
        .bind("rf", keys.stream().map(k -> rows.get(k).readFloor()).toArray(Long[]::new))
        .bind("ra", keys.stream().map(k -> rows.get(k).active()).toArray(Boolean[]::new))
        .bind("rs", keys.stream().map(k -> rows.get(k).seq()).toArray(Long[]::new))
        .map(PositionStore::row)
        .all()
        .collectList()
        .map(PositionStore::applied);
  }

  /**
   * Sets the mute flag of an active member's row; empty when the user is not an active member,
   * {@code changed=false} when the flag already had that value.
   */
  Mono<Muted> setMuted(String userId, String conversationId, boolean muted) {
    String sql =
        "with p as (select * from member_position where user_id = :u and conversation_id = :c"
            + " and active),"
            + " m as (update member_position set muted = :m, version = version + 1"
            + " where user_id = :u and conversation_id = :c and active and muted <> :m"
            + " returning user_id, conversation_id, read_seq, active, muted, version)"
            + " select 'row' as kind, p.conversation_id, p.user_id,"
            + " coalesce(m.read_seq, p.read_seq) as seq, true as active,"
            + " coalesce(m.muted, p.muted) as muted, coalesce(m.version, p.version) as version,"
            + " m.user_id is not null as changed, coalesce(cp.last_seq, 0) as last_seq"
            + " from p left join m on true"
            + " left join conversation_position cp on cp.conversation_id = p.conversation_id";
    return db.sql(sql)
        .bind("u", userId)
        .bind("c", conversationId)
        .bind("m", muted)
        .map(
            row ->
                new Muted(
                    position(row),
                    Boolean.TRUE.equals(row.get("changed", Boolean.class)),
                    row.get("last_seq", Long.class)))
        .one();
  }

  /** The outcome of {@link #setMuted}: the row now, whether it changed, the last seq. */
  record Muted(Position position, boolean changed, long lastSeq) {}

  /** Every row of these users (left conversations too) and their conversations' last seqs. */
  Mono<Loaded> load(Collection<String> userIds) {
    return db.sql(
            "select 'row' as kind, p.conversation_id, p.user_id, p.read_seq as seq, p.active,"
                + " p.muted, p.version, false as changed, coalesce(c.last_seq, 0) as last_seq"
                + " from member_position p"
                + " left join conversation_position c on c.conversation_id = p.conversation_id"
                + " where p.user_id = any(:users)")
        .bind("users", userIds.toArray(String[]::new))
        .map(row -> Map.entry(position(row), row.get("last_seq", Long.class)))
        .all()
        .collectList()
        .map(
            rows -> {
              Map<String, Long> lastSeqs = new HashMap<>();
              List<Position> positions = new ArrayList<>(rows.size());
              for (var e : rows) {
                positions.add(e.getKey());
                lastSeqs.merge(e.getKey().conversationId(), e.getValue(), Math::max);
              }
              return new Loaded(lastSeqs, positions);
            });
  }

  /** All rows of some users and the last seqs of their conversations. */
  record Loaded(Map<String, Long> lastSeqs, List<Position> positions) {

    Map<String, UserCounts> counts(Collection<String> userIds) {
      Map<String, List<UserCounts.ConversationCount>> byUser = new HashMap<>();
      userIds.forEach(u -> byUser.put(u, new ArrayList<>()));
      for (Position p : positions) {
        if (p.active()) {
          byUser
              .computeIfAbsent(p.userId(), u -> new ArrayList<>())
              .add(
                  new UserCounts.ConversationCount(
                      p.conversationId(),
                      p.readSeq(),
                      lastSeqs.getOrDefault(p.conversationId(), 0L),
                      p.muted()));
        }
      }
      Map<String, UserCounts> counts = new HashMap<>();
      byUser.forEach((u, list) -> counts.put(u, new UserCounts(u, list)));
      return counts;
    }
  }

  /** Rows "last": the current last seq of each conversation in {@code input} (column c). */
  private static String lastRows(String input) {
    return " select 'last' as kind, v.c as conversation_id, null::text as user_id,"
        + " coalesce(l.last_seq, cp.last_seq) as seq, false as active, false as muted,"
        + " 0::bigint as version, l.conversation_id is not null as changed from "
        + input
        + " v left join raised l on l.conversation_id = v.c"
        + " left join conversation_position cp on cp.conversation_id = v.c";
  }

  /**
   * Rows "row": the current state of each row keyed in {@code input} (columns u, c): the upserted
   * row from {@code upserted} when the statement changed it, else the row as it was.
   */
  private static String positionRows(String input, String upserted) {
    String select =
        " select 'row' as kind, k.c as conversation_id, k.u as user_id,"
            + " coalesce(w.read_seq, p.read_seq) as seq, coalesce(w.active, p.active) as active,"
            + " coalesce(w.muted, p.muted) as muted, coalesce(w.version, p.version) as version,"
            + " w.user_id is not null as changed from %1$s k"
            + " left join %2$s w on w.user_id = k.u and w.conversation_id = k.c"
            + " left join member_position p on p.user_id = k.u and p.conversation_id = k.c";
    return String.format(select, input, upserted);
  }

  private record Row(
      String kind,
      String conversationId,
      String userId,
      long seq,
      boolean active,
      boolean muted,
      long version,
      boolean changed) {}

  private static Row row(Readable row) {
    return new Row(
        row.get("kind", String.class),
        row.get("conversation_id", String.class),
        row.get("user_id", String.class),
        row.get("seq", Long.class),
        Boolean.TRUE.equals(row.get("active", Boolean.class)),
        Boolean.TRUE.equals(row.get("muted", Boolean.class)),
        row.get("version", Long.class),
        Boolean.TRUE.equals(row.get("changed", Boolean.class)));
  }

  private static Position position(Readable row) {
    return new Position(
        row.get("user_id", String.class),
        row.get("conversation_id", String.class),
        row.get("seq", Long.class),
        Boolean.TRUE.equals(row.get("active", Boolean.class)),
        Boolean.TRUE.equals(row.get("muted", Boolean.class)),
        row.get("version", Long.class));
  }

  private static Applied applied(List<Row> rows) {
    Map<String, Long> lastSeqs = new HashMap<>();
    List<Position> positions = new ArrayList<>();
    Set<Change> changes = new HashSet<>();
    for (Row r : rows) {
      switch (r.kind()) {
        case "last" -> lastSeqs.merge(r.conversationId(), r.seq(), Math::max);
        case "row" -> {
          positions.add(
              new Position(
                  r.userId(), r.conversationId(), r.seq(), r.active(), r.muted(), r.version()));
          if (r.changed()) {
            changes.add(new Change(r.userId(), r.conversationId()));
          }
        }
        default -> changes.add(new Change(r.userId(), r.conversationId()));
      }
    }
    return new Applied(lastSeqs, positions, changes);
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
