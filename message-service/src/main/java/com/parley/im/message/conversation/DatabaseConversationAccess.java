package com.parley.im.message.conversation;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.ConversationChanged;
import com.parley.im.events.Destinations;
import com.parley.im.protocol.ConversationIds;
import com.parley.im.protocol.ErrorCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * {@link ConversationAccess} over the {@code conversation}, {@code member}, {@code friendship} and
 * {@code block} tables (V2).
 *
 * <p>Promises: {@link #requireCanSend}, {@link #requireMember} and {@link #openDirect} read the
 * database on every call (one query each), so a change of membership, friendship or block counts
 * from its commit on. {@link #activeMembers} is served from a small per-conversation cache that
 * lives {@code im.message.members-cache-ttl} (default 1 s); code that changes a conversation's
 * members calls {@link #evict} after its commit, so this instance sees the change at once and other
 * replicas within the TTL. Cannot promise: that a fan-out which read the members just before a
 * change does not reach a member who was removed in between (at most one TTL late on other
 * replicas).
 */
@Service
public class DatabaseConversationAccess implements ConversationAccess {

  // One row per (conversation, user) asked: the conversation's type (null: no such conversation),
  // whether the user is an active member, and for direct ones whether the peer blocked the user
  // and whether the two are friends.
  private static final String CAN_SEND =
      "select v.c, v.u, c.type, m.user_id is not null as member,"
          + " exists(select 1 from block b where b.blocker_id = p.user_id"
          + "   and b.blocked_id = v.u and b.blocked) as blocked,"
          + " exists(select 1 from friendship f"
          + "   where f.user_low = least(v.u collate \"C\", p.user_id collate \"C\")"
          + "   and f.user_high = greatest(v.u collate \"C\", p.user_id collate \"C\")"
          + "   and f.friends) as friends"
          + " from unnest(:c::text[], :u::text[]) as v(c, u)"
          + " left join conversation c on c.id = v.c"
          + " left join member m on m.conversation_id = c.id and m.user_id = v.u"
          + "   and m.left_at is null"
          + " left join member p on p.conversation_id = c.id and p.user_id <> v.u"
          + "   and c.type = 'direct'";

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final Outbox outbox;
  private final Duration ttl;
  private final Map<String, Cached> members = new ConcurrentHashMap<>();
  private final AtomicLong evictions = new AtomicLong();

  private record Cached(List<String> members, long expiresAtNanos) {}

  DatabaseConversationAccess(
      DatabaseClient db,
      ReactiveTransactionManager transactions,
      Outbox outbox,
      @Value("${im.message.members-cache-ttl:1s}") Duration ttl) {
    this.db = db;
    this.tx = TransactionalOperator.create(transactions);
    this.outbox = outbox;
    this.ttl = ttl;
  }

  @Override
  public Mono<Map<Sender, ApiException>> refusedSenders(Collection<Sender> senders) {
    if (senders.isEmpty()) {
      return Mono.just(Map.of());
    }
    List<Sender> distinct = List.copyOf(new LinkedHashSet<>(senders));
    return db.sql(CAN_SEND)
        .bind("c", distinct.stream().map(Sender::conversationId).toArray(String[]::new))
        .bind("u", distinct.stream().map(Sender::userId).toArray(String[]::new))
        .map(
            row ->
                Map.entry(
                    new Sender(row.get("c", String.class), row.get("u", String.class)),
                    Optional.ofNullable(
                        refusal(
                            row.get("type", String.class),
                            Boolean.TRUE.equals(row.get("member", Boolean.class)),
                            Boolean.TRUE.equals(row.get("blocked", Boolean.class)),
                            Boolean.TRUE.equals(row.get("friends", Boolean.class))))))
        .all()
        .collect(
            HashMap<Sender, ApiException>::new,
            (refused, row) -> row.getValue().ifPresent(e -> refused.put(row.getKey(), e)));
  }

  /** Why a sender may not send, or null when they may. */
  private static ApiException refusal(
      String type, boolean member, boolean blocked, boolean friends) {
    if (type == null || !member) {
      return notMember();
    }
    if (!"direct".equals(type)) {
      return null;
    }
    if (blocked) {
      return ApiException.forbidden(ErrorCodes.BLOCKED, "You cannot write to this user");
    }
    if (!friends) {
      return ApiException.forbidden(
          ErrorCodes.NOT_FRIENDS, "You are no longer friends with this user");
    }
    return null;
  }

  @Override
  public Mono<Long> requireMember(String conversationId, String userId) {
    return db.sql(
            "select from_seq from member where conversation_id = :id and user_id = :user"
                + " and left_at is null")
        .bind("id", conversationId)
        .bind("user", userId)
        .map(row -> row.get(0, Long.class))
        .one()
        .switchIfEmpty(Mono.error(notMember()));
  }

  @Override
  public Mono<List<String>> activeMembers(String conversationId) {
    Cached cached = members.get(conversationId);
    if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
      return Mono.just(cached.members());
    }
    long generation = evictions.get();
    return db.sql(
            "select user_id from member where conversation_id = :id and left_at is null"
                + " order by user_id")
        .bind("id", conversationId)
        .map(row -> row.get(0, String.class))
        .all()
        .collectList()
        .doOnNext(
            list -> {
              // A load that overlapped an eviction may have read the old members: not cached.
              if (!ttl.isZero() && evictions.get() == generation) {
                if (members.size() > 50_000) {
                  members.clear();
                }
                members.put(conversationId, new Cached(list, System.nanoTime() + ttl.toNanos()));
              }
            });
  }

  /**
   * Forgets the cached members of a conversation; call it after the commit of any change of its
   * members (the groups feature does).
   */
  public void evict(String conversationId) {
    evictions.incrementAndGet();
    members.remove(conversationId);
  }

  @Override
  public Mono<String> openDirect(String userId, String peerId) {
    if (userId == null || peerId == null || userId.equals(peerId)) {
      return Mono.error(
          ApiException.badRequest(
              ErrorCodes.VALIDATION_FAILED, "A direct conversation needs another user"));
    }
    String low = userId.compareTo(peerId) < 0 ? userId : peerId;
    String high = low.equals(userId) ? peerId : userId;
    return db.sql(
            "select"
                + " exists(select 1 from block where blocker_id = :peer and blocked_id = :user"
                + "   and blocked) as blocked,"
                + " exists(select 1 from friendship where user_low = :low and user_high = :high"
                + "   and friends) as friends")
        .bind("peer", peerId)
        .bind("user", userId)
        .bind("low", low)
        .bind("high", high)
        .map(
            row ->
                Optional.ofNullable(
                    refusal(
                        "direct",
                        true,
                        Boolean.TRUE.equals(row.get("blocked", Boolean.class)),
                        Boolean.TRUE.equals(row.get("friends", Boolean.class)))))
        .one()
        .flatMap(
            refused -> {
              if (refused.isPresent()) {
                return Mono.error(refused.get());
              }
              return tx.transactional(createDirect(userId, peerId, Instant.now()))
                  .doOnSuccess(this::evict);
            });
  }

  /**
   * Creates the direct conversation of two users with both as members (from seq 1), and appends
   * {@code ConversationChanged} ({@code created}) when it did not exist; idempotent. Call inside a
   * transaction, and {@link #evict} the id after its commit. Emits the conversation id.
   */
  Mono<String> createDirect(String a, String b, Instant at) {
    String id = ConversationIds.direct(a, b);
    List<String> pair = a.compareTo(b) < 0 ? List.of(a, b) : List.of(b, a);
    return db.sql(
            "insert into conversation (id, type, member_count) values (:id, 'direct', 2)"
                + " on conflict do nothing")
        .bind("id", id)
        .fetch()
        .rowsUpdated()
        .flatMap(
            created ->
                db.sql(
                        "insert into member (conversation_id, user_id, role, from_seq)"
                            + " values (:id, :a, 'member', 1), (:id, :b, 'member', 1)"
                            + " on conflict do nothing")
                    .bind("id", id)
                    .bind("a", pair.get(0))
                    .bind("b", pair.get(1))
                    .then()
                    .then(
                        created > 0
                            ? outbox.append(
                                Destinations.CONVERSATION_CHANGED,
                                new ConversationChanged(
                                    UUID.randomUUID().toString(),
                                    at,
                                    id,
                                    "direct",
                                    "created",
                                    null,
                                    pair,
                                    pair,
                                    List.of(),
                                    0))
                            : Mono.empty()))
        .thenReturn(id);
  }

  private static ApiException notMember() {
    return ApiException.notFound(
        ErrorCodes.NOT_MEMBER, "No such conversation, or you are not a member of it");
  }
}
