package com.parley.im.message.fanout;

import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.defaults.outbox.OutboxMessage;
import com.parley.im.defaults.outbox.OutboxRelayListener;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.events.Destinations;
import com.parley.im.events.MessageStored;
import com.parley.im.message.conversation.ConversationAccess;
import com.parley.im.message.store.R2dbcMessageStore;
import com.parley.im.message.store.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pushes stored messages to the members' devices from the outbox relay (ADR 0006 §3): for the
 * {@code message-stored} rows of a relayed batch it loads the messages (one query), the active
 * members of each conversation (once per conversation per batch), and calls {@link
 * DeliveryPublisher#deliver} once with a {@code message} frame per member: every device of every
 * active member, except the sender's sending device (it has the ack). Frames are listed in outbox
 * order, which is seq order within a conversation.
 *
 * <p>Promises: a message committed before a crash is pushed after the restart (its outbox row is
 * relayed then); a fan-out that fails or outlasts {@code im.outbox.listener-timeout} fails the
 * relay's pass, and the batch is fanned out again (up to five passes, {@link
 * com.parley.im.defaults.outbox.OutboxRelay}); a member removed before the relay's pass is not
 * pushed to. Cannot promise: that a push arrives, or arrives once (a retried batch pushes again;
 * the gateway's redelivery and the client's catch-up by {@code afterSeq} repair losses, and clients
 * drop a {@code (conversationId, seq)} they have).
 */
@Component
public class MessageFanOut implements OutboxRelayListener {

  private static final Logger log = LoggerFactory.getLogger(MessageFanOut.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final R2dbcMessageStore store;
  private final ConversationAccess access;
  private final DeliveryPublisher deliveries;
  private final JsonMapper json;

  MessageFanOut(
      R2dbcMessageStore store,
      ConversationAccess access,
      DeliveryPublisher deliveries,
      JsonMapper json) {
    this.store = store;
    this.access = access;
    this.deliveries = deliveries;
    this.json = json;
  }

  @Override
  public Mono<Void> relaying(List<OutboxMessage> batch) {
    List<MessageStored> stored = new ArrayList<>();
    Map<String, String> traceparents = new HashMap<>(); // by message id, sampled messages only
    for (OutboxMessage row : batch) {
      if (Destinations.MESSAGE_STORED.equals(row.destination())) {
        MessageStored event = json.readValue(row.payload(), MessageStored.class);
        stored.add(event);
        if (row.traceparent() != null) {
          traceparents.put(event.messageId(), row.traceparent());
        }
      }
    }
    if (stored.isEmpty()) {
      return Mono.empty();
    }
    Set<String> conversations =
        stored.stream()
            .map(MessageStored::conversationId)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    Mono<Map<String, StoredMessage>> messages =
        store
            .byIds(stored.stream().map(MessageStored::messageId).toList())
            .collectMap(StoredMessage::messageId, Function.identity());
    Mono<Map<String, List<String>>> members =
        Flux.fromIterable(conversations)
            .flatMap(id -> access.activeMembers(id).map(list -> Map.entry(id, list)), 8)
            .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    return Mono.zip(messages, members)
        .flatMap(
            found -> {
              List<Delivery> out = new ArrayList<>();
              for (MessageStored event : stored) {
                StoredMessage message = found.getT1().get(event.messageId());
                if (message == null) {
                  continue; // not committed after all (the relay only sees committed rows)
                }
                String frame = json.writeValueAsString(message.toFrame());
                // The pushes join the message's trace when it is sampled (ADR 0028).
                String traceparent = traceparents.get(message.messageId());
                for (String member :
                    found.getT2().getOrDefault(message.conversationId(), List.of())) {
                  String except =
                      member.equals(message.senderId()) ? message.senderDeviceId() : null;
                  out.add(
                      Delivery.message(
                              member, except, message.conversationId(), message.seq(), frame)
                          .tracedBy(traceparent));
                }
              }
              return out.isEmpty() ? Mono.<Void>empty() : deliveries.deliver(out);
            })
        .timeout(TIMEOUT)
        .doOnError(e -> log.warn("Fan-out of {} messages failed: {}", stored.size(), e.toString()));
  }
}
