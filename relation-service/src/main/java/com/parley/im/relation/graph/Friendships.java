package com.parley.im.relation.graph;

import com.parley.im.defaults.SecureIds;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.Destinations;
import com.parley.im.events.FriendshipRemoved;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Ending a friendship together with its event, for unfriending and for blocking alike. */
@Component
public class Friendships {

  private final RelationStore store;
  private final Outbox outbox;
  private final SecureIds ids;

  Friendships(RelationStore store, Outbox outbox, SecureIds ids) {
    this.store = store;
    this.outbox = outbox;
    this.ids = ids;
  }

  /**
   * Ends the friendship of {@code actor} and {@code other}, if there is one, and appends {@link
   * FriendshipRemoved} in the same transaction (the caller's, which holds the pair's lock). Emits
   * whether there was a friendship.
   */
  public Mono<Boolean> end(UUID actor, UUID other, String reason, Instant at) {
    return store
        .unfriend(Pair.of(actor, other))
        .flatMap(
            removed ->
                removed
                    ? outbox
                        .append(
                            Destinations.FRIENDSHIP_REMOVED,
                            new FriendshipRemoved(
                                ids.eventId(), at, actor.toString(), other.toString(), reason))
                        .thenReturn(true)
                    : Mono.just(false));
  }
}
