package com.parley.im.relation.notice;

import com.parley.im.defaults.consumer.ProcessedEvents;
import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendRequestSent;
import com.parley.im.events.FriendshipRemoved;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns relation events into realtime notices for the other user's online devices (README,
 * "Realtime notices"): {@code friend_request} to the recipient, {@code friend_accepted} to the
 * requester, {@code friend_removed} to the user who was removed, the same whether they were
 * unfriended or blocked, so a block is not revealed.
 *
 * <p>Promises: one notice per event id (a redelivered event pushes nothing again). Cannot promise:
 * that the notice arrives (a push is transient and offline users get none); clients learn the state
 * from {@code GET /api/friend-requests} and {@code GET /api/friends} when they reconnect.
 */
@Service
class RelationNotices {

  private static final Logger log = LoggerFactory.getLogger(RelationNotices.class);

  private final ProcessedEvents processed;
  private final ObjectProvider<DeliveryPublisher> deliveries;
  private final JsonMapper json;

  RelationNotices(
      ProcessedEvents processed, ObjectProvider<DeliveryPublisher> deliveries, JsonMapper json) {
    this.processed = processed;
    this.deliveries = deliveries;
    this.json = json;
  }

  Mono<Void> apply(FriendRequestSent event) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("id", event.requestId());
    request.put("fromUserId", event.fromUserId());
    request.put("fromDisplayName", event.fromDisplayName());
    request.put("toUserId", event.toUserId());
    request.put("message", event.message());
    request.put("status", "pending");
    request.put("createdAt", event.createdAt());
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "friend_request");
    frame.put("request", request);
    return push(event.eventId(), event.toUserId(), frame);
  }

  Mono<Void> apply(FriendRequestAccepted event) {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("userId", event.toUserId());
    user.put("displayName", event.toDisplayName());
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "friend_accepted");
    frame.put("requestId", event.requestId());
    frame.put("user", user);
    frame.put("since", event.since());
    return push(event.eventId(), event.fromUserId(), frame);
  }

  Mono<Void> apply(FriendshipRemoved event) {
    // No reason on the wire: a block must look like an unfriend to the blocked user.
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "friend_removed");
    frame.put("userId", event.userId());
    return push(event.eventId(), event.friendId(), frame);
  }

  private Mono<Void> push(String eventId, String toUserId, Map<String, Object> frame) {
    if (eventId == null || toUserId == null) {
      log.warn("Ignoring relation event {} without a recipient", eventId);
      return Mono.empty();
    }
    DeliveryPublisher publisher = deliveries.getIfAvailable();
    if (publisher == null) {
      log.debug("No DeliveryPublisher: relation notices are not pushed");
      return Mono.empty();
    }
    String text = json.writeValueAsString(frame);
    return processed
        .firstTime("notice:" + eventId)
        .filter(Boolean::booleanValue)
        .flatMap(first -> publisher.deliver(List.of(new Delivery(toUserId, null, text))));
  }
}
