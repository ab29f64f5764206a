package com.parley.im.presence.friend;

import com.parley.im.defaults.consumer.FriendGraph;
import com.parley.im.defaults.consumer.ProcessedEvents;
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import java.util.Collection;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * presence-service's copy of the friendship graph ({@code friend}, both directions), kept from
 * relation-service's events the way user-service keeps its own.
 *
 * <p>The graph is im-service-defaults' {@link FriendGraph} (its promises: each event at most once,
 * only the newest change per pair counts); until an event arrives, a new friend sees nothing and a
 * removed one still does.
 */
@Service
public class Friends {

  private final FriendGraph graph;

  Friends(DatabaseClient db, ProcessedEvents processed) {
    this.graph = new FriendGraph(db, processed);
  }

  /** The friends of {@code userId}. */
  public Flux<UUID> of(UUID userId) {
    return graph.of(userId);
  }

  /** Those of {@code candidates} who are friends of {@code userId}. */
  public Flux<UUID> among(UUID userId, Collection<UUID> candidates) {
    return graph.among(userId, candidates);
  }

  Mono<Void> apply(FriendRequestAccepted event) {
    return graph.change(
        event.eventId(), event.fromUserId(), event.toUserId(), event.occurredAt(), true);
  }

  Mono<Void> apply(FriendshipRemoved event) {
    return graph.change(
        event.eventId(), event.userId(), event.friendId(), event.occurredAt(), false);
  }
}
