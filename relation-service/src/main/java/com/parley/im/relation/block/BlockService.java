package com.parley.im.relation.block;

import com.parley.im.defaults.SecureIds;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.Destinations;
import com.parley.im.events.FriendshipRemoved;
import com.parley.im.events.UserBlocked;
import com.parley.im.events.UserUnblocked;
import com.parley.im.relation.Ids;
import com.parley.im.relation.RelationErrors;
import com.parley.im.relation.RelationProperties;
import com.parley.im.relation.graph.Friendships;
import com.parley.im.relation.graph.Pair;
import com.parley.im.relation.graph.RelationStore;
import com.parley.im.relation.user.KnownUsers;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Blocks. Blocking someone also ends your friendship with them ({@link FriendshipRemoved}, reason
 * {@code blocked}) and cancels the pending requests between you, either way (listed in {@link
 * UserBlocked}); all of it in one transaction under the pair's lock. Blocking twice, or unblocking
 * someone not blocked, changes nothing and publishes nothing.
 */
@Service
class BlockService {

  /** A blocked user on the wire. */
  record BlockedUser(String userId, String displayName, Instant blockedAt) {}

  private final RelationStore store;
  private final Friendships friendships;
  private final KnownUsers users;
  private final Outbox outbox;
  private final SecureIds ids;
  private final RelationProperties properties;
  private final TransactionalOperator tx;

  BlockService(
      RelationStore store,
      Friendships friendships,
      KnownUsers users,
      Outbox outbox,
      SecureIds ids,
      RelationProperties properties,
      ReactiveTransactionManager transactions) {
    this.store = store;
    this.friendships = friendships;
    this.users = users;
    this.outbox = outbox;
    this.ids = ids;
    this.properties = properties;
    this.tx = TransactionalOperator.create(transactions);
  }

  Mono<Void> block(UUID me, String userId) {
    UUID other = Ids.parse(userId).orElse(null);
    if (other == null) {
      return Mono.error(RelationErrors.noSuchUser());
    }
    if (other.equals(me)) {
      return Mono.error(RelationErrors.blockSelf());
    }
    return users
        .existsWithin(other, properties.unknownUserGrace())
        .flatMap(
            known ->
                known
                    ? tx.transactional(blockLocked(me, other))
                    : Mono.error(RelationErrors.noSuchUser()));
  }

  private Mono<Void> blockLocked(UUID me, UUID other) {
    Pair pair = Pair.of(me, other);
    return store
        .lock(pair)
        .flatMap(
            now ->
                store
                    .block(me, other, now)
                    .filter(Boolean::booleanValue)
                    .flatMap(
                        created ->
                            friendships
                                .end(me, other, FriendshipRemoved.BLOCKED, now)
                                .flatMap(
                                    removed ->
                                        store
                                            .cancelPendingBetween(pair, now)
                                            .map(UUID::toString)
                                            .collectList()
                                            .flatMap(
                                                cancelled ->
                                                    outbox.append(
                                                        Destinations.USER_BLOCKED,
                                                        new UserBlocked(
                                                            ids.eventId(),
                                                            now,
                                                            me.toString(),
                                                            other.toString(),
                                                            removed,
                                                            cancelled))))));
  }

  Mono<Void> unblock(UUID me, String userId) {
    UUID other = Ids.parse(userId).orElse(null);
    if (other == null || other.equals(me)) {
      return Mono.empty();
    }
    return tx.transactional(
        store
            .lock(Pair.of(me, other))
            .flatMap(
                now ->
                    store
                        .unblock(me, other)
                        .filter(Boolean::booleanValue)
                        .flatMap(
                            removed ->
                                outbox.append(
                                    Destinations.USER_UNBLOCKED,
                                    new UserUnblocked(
                                        ids.eventId(), now, me.toString(), other.toString())))));
  }

  Mono<List<BlockedUser>> blocks(UUID me) {
    return store
        .blocksOf(me, properties.listMax())
        .map(row -> new BlockedUser(row.userId().toString(), row.displayName(), row.since()))
        .collectList();
  }
}
