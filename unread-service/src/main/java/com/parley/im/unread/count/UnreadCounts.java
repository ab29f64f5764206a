package com.parley.im.unread.count;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.SecureIds;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.ConversationChanged;
import com.parley.im.events.ConversationMuteChanged;
import com.parley.im.events.Destinations;
import com.parley.im.events.MessageStored;
import com.parley.im.events.ReadPositionMoved;
import com.parley.im.protocol.ErrorCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Unread counts (ADR 0010): every batch of events goes to PostgreSQL first (one statement, the
 * truth), then to the Redis copy (one round trip), then its changed counts to {@link UnreadPushes}.
 * Reads come from Redis; a user whose copy is missing (Redis flushed, or never read) or who cannot
 * be read from Redis is answered from PostgreSQL, and the copy is rebuilt on the way.
 *
 * <p>Promises: {@code unread = lastSeq - readSeq} per conversation from positions that never move
 * backwards, whatever the order or repetition of the events; the total over the active, unmuted
 * conversations. Cannot promise: that the counts already include an event the broker has not
 * delivered yet (they follow message-service within the consumers' lag).
 */
@Service
public class UnreadCounts {

  private static final Logger log = LoggerFactory.getLogger(UnreadCounts.class);
  private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);

  private final PositionStore store;
  private final PositionCache cache;
  private final UnreadPushes pushes;
  private final Outbox outbox;
  private final SecureIds ids;
  private final TransactionalOperator tx;

  UnreadCounts(
      PositionStore store,
      PositionCache cache,
      UnreadPushes pushes,
      Outbox outbox,
      SecureIds ids,
      ReactiveTransactionManager transactions) {
    this.store = store;
    this.cache = cache;
    this.pushes = pushes;
    this.outbox = outbox;
    this.ids = ids;
    this.tx = TransactionalOperator.create(transactions);
    pushes.countWith(this::countsOf);
  }

  Mono<Void> messagesStored(List<MessageStored> events) {
    return apply(store.applyMessages(events));
  }

  Mono<Void> readPositionsMoved(List<ReadPositionMoved> events) {
    return apply(store.applyReads(events));
  }

  Mono<Void> conversationsChanged(List<ConversationChanged> events) {
    return apply(store.applyMembership(events));
  }

  /**
   * A failed Redis write fails the batch: the binder delivers it again, and the statement, which
   * answers the current rows whether or not it changed them, repairs the copy.
   */
  private Mono<Void> apply(Mono<Applied> applied) {
    return applied.flatMap(
        a ->
            cache
                .write(a.lastSeqs(), a.positions(), Set.of())
                .timeout(REDIS_TIMEOUT)
                .then(Mono.fromRunnable(() -> pushes.changed(a.changes()))));
  }

  /** The counts of one user. */
  public Mono<UserCounts> countsOf(String userId) {
    return countsOf(List.of(userId)).map(counts -> counts.get(userId));
  }

  /** The counts of these users, from Redis where it has them, else from PostgreSQL. */
  Mono<Map<String, UserCounts>> countsOf(Collection<String> userIds) {
    return cache
        .read(userIds)
        .timeout(REDIS_TIMEOUT)
        .onErrorResume(
            e -> {
              log.warn("Reading unread counts from Redis failed; answering from PostgreSQL", e);
              return Mono.just(Map.of());
            })
        .flatMap(
            cached -> {
              List<String> missing = userIds.stream().filter(u -> !cached.containsKey(u)).toList();
              if (missing.isEmpty()) {
                return Mono.just(cached);
              }
              return rebuild(missing)
                  .map(
                      loaded -> {
                        Map<String, UserCounts> all = new HashMap<>(cached);
                        all.putAll(loaded);
                        return all;
                      });
            });
  }

  /** Reads the users' rows from PostgreSQL, writes them to Redis as complete, answers them. */
  private Mono<Map<String, UserCounts>> rebuild(List<String> userIds) {
    return store
        .load(userIds)
        .flatMap(
            loaded ->
                cache
                    .write(loaded.lastSeqs(), loaded.positions(), userIds)
                    .timeout(REDIS_TIMEOUT)
                    .onErrorResume(
                        e -> {
                          log.warn(
                              "Rebuilding the Redis copy of {} users failed", userIds.size(), e);
                          return Mono.empty();
                        })
                    .thenReturn(loaded.counts(userIds)));
  }

  /**
   * Mutes or unmutes one of the user's conversations: idempotent; empty when the user is not an
   * active member. A change is written with its {@link ConversationMuteChanged} in one transaction.
   */
  Mono<UserCounts.ConversationCount> mute(String userId, String conversationId, boolean muted) {
    Function<PositionStore.Muted, Mono<PositionStore.Muted>> announce =
        m ->
            m.changed()
                ? outbox
                    .append(
                        Destinations.CONVERSATION_MUTE_CHANGED,
                        new ConversationMuteChanged(
                            ids.eventId(),
                            Instant.now(),
                            userId,
                            conversationId,
                            muted,
                            m.position().version()))
                    .thenReturn(m)
                : Mono.just(m);
    return store
        .setMuted(userId, conversationId, muted)
        .flatMap(announce)
        .as(tx::transactional)
        .flatMap(
            m ->
                cache
                    .write(Map.of(conversationId, m.lastSeq()), List.of(m.position()), Set.of())
                    .timeout(REDIS_TIMEOUT)
                    .onErrorMap(
                        e -> {
                          // Committed, but the copy lacks it: the client's retry (idempotent)
                          // writes the row again.
                          log.warn("Writing a mute to Redis failed", e);
                          return new ApiException(
                              HttpStatus.SERVICE_UNAVAILABLE,
                              ErrorCodes.SERVICE_UNAVAILABLE,
                              "Counts are unavailable; try again.");
                        })
                    .then(
                        Mono.fromRunnable(
                            () -> {
                              if (m.changed()) {
                                pushes.changed(Set.of(new Change(userId, conversationId)));
                              }
                            }))
                    .thenReturn(
                        new UserCounts.ConversationCount(
                            conversationId, m.position().readSeq(), m.lastSeq(), muted)));
  }
}
