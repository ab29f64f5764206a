package com.parley.im.message.conversation;

import com.parley.im.defaults.consumer.ProcessedEvents;
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import com.parley.im.events.UserBlocked;
import com.parley.im.events.UserUnblocked;
import com.parley.im.protocol.ConversationIds;
import java.time.Instant;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * message-service's copy of relation-service's friendships and blocks ({@code friendship}, {@code
 * block}), and the direct conversation each friendship opens.
 *
 * <p>Promises: each event takes effect at most once ({@code processed_event} in the transaction of
 * the effect); per pair only the newest change counts (by the event's {@code occurredAt}), so a
 * late or replayed older event cannot undo a newer one; an accepted friendship creates the direct
 * conversation {@code ConversationIds.direct(a, b)} with both as members from seq 1 and announces
 * it ({@code ConversationChanged created}) in the same transaction, once. Cannot promise: to be
 * current; until an event arrives, sending follows the previous state.
 */
@Service
class RelationProjections {

  private static final Logger log = LoggerFactory.getLogger(RelationProjections.class);

  private final DatabaseClient db;
  private final ProcessedEvents processed;
  private final DatabaseConversationAccess conversations;

  RelationProjections(
      DatabaseClient db, ProcessedEvents processed, DatabaseConversationAccess conversations) {
    this.db = db;
    this.processed = processed;
    this.conversations = conversations;
  }

  Mono<Void> apply(FriendRequestAccepted event) {
    String a = event.fromUserId();
    String b = event.toUserId();
    if (!valid(event.eventId(), a, b, event.occurredAt())) {
      return Mono.empty();
    }
    Instant at = event.occurredAt();
    return once(
            event.eventId(),
            friendship(a, b, true, at)
                .flatMap(
                    newest ->
                        newest ? conversations.createDirect(a, b, at).then() : Mono.<Void>empty()))
        .doOnSuccess(done -> conversations.evict(ConversationIds.direct(a, b)));
  }

  Mono<Void> apply(FriendshipRemoved event) {
    String a = event.userId();
    String b = event.friendId();
    if (!valid(event.eventId(), a, b, event.occurredAt())) {
      return Mono.empty();
    }
    return once(event.eventId(), friendship(a, b, false, event.occurredAt()).then());
  }

  Mono<Void> apply(UserBlocked event) {
    if (!valid(event.eventId(), event.blockerId(), event.blockedId(), event.occurredAt())) {
      return Mono.empty();
    }
    return once(
        event.eventId(), block(event.blockerId(), event.blockedId(), true, event.occurredAt()));
  }

  Mono<Void> apply(UserUnblocked event) {
    if (!valid(event.eventId(), event.blockerId(), event.blockedId(), event.occurredAt())) {
      return Mono.empty();
    }
    return once(
        event.eventId(), block(event.blockerId(), event.blockedId(), false, event.occurredAt()));
  }

  private static boolean valid(String eventId, String a, String b, Instant at) {
    if (eventId == null || a == null || b == null || a.isBlank() || a.equals(b) || at == null) {
      log.warn("Ignoring relation event {} for users {} and {}", eventId, a, b);
      return false;
    }
    return true;
  }

  private Mono<Void> once(String eventId, Mono<Void> effect) {
    return processed.once(eventId, effect).then();
  }

  /** Records the pair's state if {@code at} is its newest change; true when it was. */
  private Mono<Boolean> friendship(String a, String b, boolean friends, Instant at) {
    String low = a.compareTo(b) < 0 ? a : b;
    String high = low.equals(a) ? b : a;
    return db.sql(
            "insert into friendship (user_low, user_high, friends, changed_at)"
                + " values (:low, :high, :friends, :at)"
                + " on conflict (user_low, user_high) do update"
                + " set friends = excluded.friends, changed_at = excluded.changed_at"
                + " where friendship.changed_at < excluded.changed_at")
        .bind("low", low)
        .bind("high", high)
        .bind("friends", friends)
        .bind("at", at.atOffset(ZoneOffset.UTC))
        .fetch()
        .rowsUpdated()
        .map(rows -> rows > 0);
  }

  private Mono<Void> block(String blocker, String blocked, boolean isBlocked, Instant at) {
    return db.sql(
            "insert into block (blocker_id, blocked_id, blocked, changed_at)"
                + " values (:blocker, :blocked, :isBlocked, :at)"
                + " on conflict (blocker_id, blocked_id) do update"
                + " set blocked = excluded.blocked, changed_at = excluded.changed_at"
                + " where block.changed_at < excluded.changed_at")
        .bind("blocker", blocker)
        .bind("blocked", blocked)
        .bind("isBlocked", isBlocked)
        .bind("at", at.atOffset(ZoneOffset.UTC))
        .then();
  }
}
