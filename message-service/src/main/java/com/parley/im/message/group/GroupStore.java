package com.parley.im.message.group;

import com.parley.im.message.group.GroupRecords.GroupView;
import com.parley.im.message.group.GroupRecords.MemberView;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Groups in the {@code conversation} and {@code member} tables (V2). Every write runs in the
 * caller's transaction, after {@link #lock}; every row it changes gets {@code change_xid =
 * pg_current_xact_id()}, which is what the conversation list's sync token compares.
 */
@Repository
class GroupStore {

  /** The locked group row. */
  record LockedGroup(String id, String name) {}

  /** The conversation row after {@link #touch}. */
  record Touched(int memberCount, String name) {}

  private final DatabaseClient db;

  GroupStore(DatabaseClient db) {
    this.db = db;
  }

  Mono<Void> insertGroup(String id, String name) {
    return db.sql(
            "insert into conversation (id, type, name, change_xid)"
                + " values (:id, 'group', :name, pg_current_xact_id())")
        .bind("id", id)
        .bind("name", name)
        .then();
  }

  /**
   * Locks the group's row until the transaction ends (every change of one group is serialised, with
   * the message store's seq allocation too); empty when there is no such group.
   */
  Mono<LockedGroup> lock(String id) {
    return db.sql("select id, name from conversation where id = :id and type = 'group' for update")
        .bind("id", id)
        .map(row -> new LockedGroup(row.get("id", String.class), row.get("name", String.class)))
        .one();
  }

  /** The user's role while an active member; empty otherwise. */
  Mono<GroupRole> role(String id, String userId) {
    return db.sql(
            "select role from member where conversation_id = :id and user_id = :user"
                + " and left_at is null")
        .bind("id", id)
        .bind("user", userId)
        .map(row -> GroupRole.of(row.get("role", String.class)))
        .one();
  }

  /** Active members, oldest first. */
  Mono<List<String>> activeMembers(String id) {
    return db.sql(
            "select user_id from member where conversation_id = :id and left_at is null"
                + " order by joined_at, user_id")
        .bind("id", id)
        .map(row -> row.get("user_id", String.class))
        .all()
        .collectList();
  }

  /** Those of {@code userIds} who are friends of {@code userId} (friendship projection, V2). */
  Mono<Set<String>> friendsAmong(String userId, Collection<String> userIds) {
    if (userIds.isEmpty()) {
      return Mono.just(Set.of());
    }
    return db.sql(
            "select case when user_low = :me then user_high else user_low end as friend"
                + " from friendship where friends and (user_low = :me or user_high = :me)"
                + " and (case when user_low = :me then user_high else user_low end) = any(:ids)")
        .bind("me", userId)
        .bind("ids", userIds.toArray(String[]::new))
        .map(row -> row.get("friend", String.class))
        .all()
        .collect(HashSet::new, Set::add);
  }

  /**
   * Makes the users active members from {@code fromSeq} (the system message that adds them) with
   * that role: new rows, or rows of earlier members, who get a new {@code from_seq} and joining
   * time. {@code readSeq} is where their read position starts (never moved back).
   */
  Mono<Void> join(
      String id, Collection<String> userIds, GroupRole role, long fromSeq, long readSeq) {
    if (userIds.isEmpty()) {
      return Mono.empty();
    }
    return db.sql(
            "insert into member (conversation_id, user_id, role, from_seq, read_seq, joined_at,"
                + " change_xid)"
                + " select :id, u, :role, :fromSeq, :readSeq, clock_timestamp(),"
                + " pg_current_xact_id() from unnest(:users) as u"
                + " on conflict (conversation_id, user_id) do update set role = excluded.role,"
                + " from_seq = excluded.from_seq,"
                + " read_seq = greatest(member.read_seq, excluded.read_seq),"
                + " joined_at = excluded.joined_at, left_at = null,"
                + " change_xid = excluded.change_xid")
        .bind("id", id)
        .bind("role", role.wire())
        .bind("fromSeq", fromSeq)
        .bind("readSeq", readSeq)
        .bind("users", userIds.toArray(String[]::new))
        .then();
  }

  /** Ends the user's membership (the row stays, with {@code left_at}). */
  Mono<Void> leave(String id, String userId) {
    return db.sql(
            "update member set left_at = clock_timestamp(), change_xid = pg_current_xact_id()"
                + " where conversation_id = :id and user_id = :user and left_at is null")
        .bind("id", id)
        .bind("user", userId)
        .then();
  }

  /**
   * The next owner when {@code owner} leaves: the oldest admin, else the oldest member; empty when
   * nobody stays.
   */
  Mono<String> successor(String id, String owner) {
    return db.sql(
            "select user_id from member where conversation_id = :id and left_at is null"
                + " and user_id <> :owner"
                + " order by (role = 'admin') desc, joined_at, user_id limit 1")
        .bind("id", id)
        .bind("owner", owner)
        .map(row -> row.get("user_id", String.class))
        .one();
  }

  Mono<Void> setRole(String id, String userId, GroupRole role) {
    return db.sql(
            "update member set role = :role, change_xid = pg_current_xact_id()"
                + " where conversation_id = :id and user_id = :user and left_at is null")
        .bind("id", id)
        .bind("user", userId)
        .bind("role", role.wire())
        .then();
  }

  /**
   * Records a change of the group: the name (when not null), the member count, {@code updated_at}
   * and {@code change_xid}.
   */
  Mono<Touched> touch(String id, String name) {
    String rename = name == null ? "" : " name = :name,";
    var spec =
        db.sql(
                "update conversation set"
                    + rename
                    + " member_count = (select count(*) from member m"
                    + " where m.conversation_id = :id and m.left_at is null),"
                    + " updated_at = clock_timestamp(), change_xid = pg_current_xact_id()"
                    + " where id = :id returning member_count, name")
            .bind("id", id);
    if (name != null) {
      spec = spec.bind("name", name);
    }
    return spec.map(
            row ->
                new Touched(row.get("member_count", Integer.class), row.get("name", String.class)))
        .one();
  }

  /** The group as its members see it; empty when there is no such group. */
  Mono<GroupView> view(String id) {
    return db.sql(
            "select c.id, c.name, m.user_id, m.role, m.joined_at"
                + " from conversation c left join member m"
                + " on m.conversation_id = c.id and m.left_at is null"
                + " where c.id = :id and c.type = 'group'"
                + " order by m.joined_at, m.user_id")
        .bind("id", id)
        .map(
            row ->
                new Object[] {
                  row.get("id", String.class),
                  row.get("name", String.class),
                  row.get("user_id", String.class),
                  row.get("role", String.class),
                  row.get("joined_at", OffsetDateTime.class)
                })
        .all()
        .collectList()
        .flatMap(
            rows -> {
              if (rows.isEmpty()) {
                return Mono.empty();
              }
              Object[] first = rows.get(0);
              List<MemberView> members = new ArrayList<>();
              String owner = null;
              for (Object[] row : rows) {
                if (row[2] == null) {
                  continue;
                }
                String role = (String) row[3];
                if ("owner".equals(role)) {
                  owner = (String) row[2];
                }
                members.add(
                    new MemberView((String) row[2], role, ((OffsetDateTime) row[4]).toInstant()));
              }
              return Mono.just(
                  new GroupView(
                      (String) first[0], (String) first[1], owner, members.size(), members));
            });
  }
}
