package com.parley.im.relation.friend;

import com.parley.im.events.FriendshipRemoved;
import com.parley.im.protocol.ConversationIds;
import com.parley.im.relation.Ids;
import com.parley.im.relation.RelationErrors;
import com.parley.im.relation.RelationProperties;
import com.parley.im.relation.graph.Friendships;
import com.parley.im.relation.graph.Pair;
import com.parley.im.relation.graph.RelationStore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** The caller's friends, and unfriending (for both users at once, with its event). */
@Service
class FriendService {

  /**
   * A friend on the wire. {@code conversationId} is the direct conversation's id, derived from the
   * pair ({@code ConversationIds.direct}) without asking message-service (ADR 0006).
   */
  record Friend(String userId, String displayName, Instant since, String conversationId) {}

  private final RelationStore store;
  private final Friendships friendships;
  private final RelationProperties properties;
  private final TransactionalOperator tx;

  FriendService(
      RelationStore store,
      Friendships friendships,
      RelationProperties properties,
      ReactiveTransactionManager transactions) {
    this.store = store;
    this.friendships = friendships;
    this.properties = properties;
    this.tx = TransactionalOperator.create(transactions);
  }

  Mono<List<Friend>> friends(UUID me) {
    return store
        .friendsOf(me, properties.listMax())
        .map(
            row -> {
              String friendId = row.userId().toString();
              return new Friend(
                  friendId,
                  row.displayName(),
                  row.since(),
                  ConversationIds.direct(me.toString(), friendId));
            })
        .collectList();
  }

  /** Ends the friendship; 404 {@code not_friends} when there is none. */
  Mono<Void> unfriend(UUID me, String friendId) {
    UUID other = Ids.parse(friendId).orElse(null);
    if (other == null || other.equals(me)) {
      return Mono.error(RelationErrors.notFriends());
    }
    return tx.transactional(
        store
            .lock(Pair.of(me, other))
            .flatMap(now -> friendships.end(me, other, FriendshipRemoved.UNFRIENDED, now))
            .flatMap(removed -> removed ? Mono.empty() : Mono.error(RelationErrors.notFriends())));
  }
}
