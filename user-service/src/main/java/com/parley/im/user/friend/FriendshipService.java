package com.parley.im.user.friend;

import com.parley.im.defaults.consumer.FriendGraph;
import com.parley.im.defaults.consumer.ProcessedEvents;
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Keeps the {@code friend} table (both directions of each friendship; discover leaves friends out)
 * in step with relation-service's events, through im-service-defaults' {@link FriendGraph} (each
 * event at most once; per pair only the newest change counts, so a late or replayed older event
 * cannot undo a newer one).
 */
@Service
class FriendshipService {

  private final FriendGraph graph;

  FriendshipService(DatabaseClient db, ProcessedEvents processed) {
    this.graph = new FriendGraph(db, processed);
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
