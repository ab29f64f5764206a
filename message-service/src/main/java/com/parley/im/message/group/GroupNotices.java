package com.parley.im.message.group;

import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.protocol.Frames;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pushes a {@code conversation} frame to every member a committed group change concerns: the
 * members after it, and those it removed (with {@code removed: true}).
 *
 * <p>Best effort: a push is transient and offline devices get none, and a failed push is logged,
 * never reported to the caller, whose change is committed. Clients also learn of every change from
 * its {@code system} message (pushed by the message fan-out, kept in history) and from {@code GET
 * /api/conversations?since=...}.
 */
@Component
class GroupNotices {

  private static final Logger log = LoggerFactory.getLogger(GroupNotices.class);

  private final ObjectProvider<DeliveryPublisher> deliveries;
  private final JsonMapper json;

  GroupNotices(ObjectProvider<DeliveryPublisher> deliveries, JsonMapper json) {
    this.deliveries = deliveries;
    this.json = json;
  }

  Mono<Void> push(GroupChange change) {
    DeliveryPublisher publisher = deliveries.getIfAvailable();
    if (publisher == null) {
      return Mono.empty();
    }
    return Mono.fromCallable(() -> deliveriesOf(change))
        .flatMap(publisher::deliver)
        .onErrorResume(
            e -> {
              // The change is committed; the system message and the sync tell clients about it.
              log.warn(
                  "Could not push the {} notice of {}: {}",
                  change.change(),
                  change.conversationId(),
                  e.toString());
              return Mono.empty();
            });
  }

  List<Delivery> deliveriesOf(GroupChange change) {
    String stays = frame(change, null);
    List<Delivery> out = new ArrayList<>();
    for (String member : change.members()) {
      out.add(new Delivery(member, null, stays));
    }
    if (!change.removed().isEmpty()) {
      String gone = frame(change, Boolean.TRUE);
      for (String removed : change.removed()) {
        out.add(new Delivery(removed, null, gone));
      }
    }
    return out;
  }

  private String frame(GroupChange change, Boolean removed) {
    return json.writeValueAsString(
        new Frames.Conversation(
            change.conversationId(),
            "group",
            change.change(),
            change.name(),
            change.memberCount(),
            change.seq(),
            removed));
  }
}
