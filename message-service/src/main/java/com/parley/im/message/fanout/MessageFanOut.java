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
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pushes stored messages to the members' devices (ADR 0006 §3, ADR 0030): at once from the send
 * batch that stored them ({@link #pushCommitted}), and from the outbox relay for every {@code
 * message-stored} row that was not pushed so ({@link #relaying}: system notices, recalls, a push
 * that failed, rows found after a restart). A push loads the active members of each conversation
 * (once per conversation per batch) and calls {@link DeliveryPublisher#deliver} once with a {@code
 * message} frame per member: every device of every active member, except the sender's sending
 * device (it has the ack). Frames are listed in seq order within a conversation; committed batches
 * are pushed one after the other, in commit order.
 *
 * <p>Promises: a message committed before a crash is pushed after the restart (its outbox row is
 * relayed then); the relay pushes every message of its batch that this instance did not push
 * successfully, waiting for a push still under way; after a failed push the later batches are left
 * to the relay too until it has caught up, so a conversation's frames keep seq order; a fan-out
 * that fails or outlasts {@code im.outbox.listener-timeout} fails the relay's pass, and the batch
 * is fanned out again (up to five passes, {@link com.parley.im.defaults.outbox.OutboxRelay}); a
 * member removed before the push is not pushed to. Cannot promise: that a push arrives, or arrives
 * once (a retried batch pushes again, and with several replicas the relay's replica pushes again
 * what another one pushed at once; the gateway's redelivery and the client's catch-up by {@code
 * afterSeq} repair losses, and clients drop a {@code (conversationId, seq)} they have).
 */
@Component
public class MessageFanOut implements OutboxRelayListener, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(MessageFanOut.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Longest the batch pushes give way to the relay after a failed push (see {@link #push}). */
  private static final long GIVE_WAY_NANOS = Duration.ofMinutes(1).toNanos();

  /** Pushes older than this are forgotten when the ledger is large. */
  private static final long FORGET_NANOS = Duration.ofMinutes(1).toNanos();

  private static final int LEDGER_SWEEP_SIZE = 50_000;

  /** A message of a committed send batch, with its trace context (null when unsampled). */
  public record Committed(StoredMessage message, String traceparent) {}

  /** A push from a send batch: when it was expected, and whether it reached the broker. */
  private record Push(long queuedAt, Sinks.One<Boolean> done) {}

  // The pushes from send batches by message id, until the relay has seen their rows.
  private final Map<String, Push> pushes = new ConcurrentHashMap<>();
  // Committed batches, pushed one after the other so that a conversation's frames keep seq order.
  private final Sinks.Many<List<Committed>> committed =
      Sinks.many().unicast().onBackpressureBuffer();
  private final Disposable pushing;
  // One monitor for the emissions into committed (one emitter at a time, in commit order) and for
  // the give-way state after a failed push: the last message left to the relay since, and since
  // when (ADR 0030).
  private final Object lock = new Object();
  private String lastLeftToRelay; // guarded by lock
  private long leftSince; // guarded by lock

  private final R2dbcMessageStore store;
  private final ConversationAccess access;
  private final DeliveryPublisher deliveries;
  private final JsonMapper json;

  @Autowired
  MessageFanOut(
      R2dbcMessageStore store,
      ConversationAccess access,
      DeliveryPublisher deliveries,
      JsonMapper json,
      ObjectProvider<MeterRegistry> meters) {
    this(store, access, deliveries, json, meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  MessageFanOut(
      R2dbcMessageStore store,
      ConversationAccess access,
      DeliveryPublisher deliveries,
      JsonMapper json,
      MeterRegistry meters) {
    this.store = store;
    this.access = access;
    this.deliveries = deliveries;
    this.json = json;
    Timer pushed =
        Timer.builder("im.message.push")
            .description(
                "One committed batch's push, once the pushes before it are done, to the broker")
            .register(meters);
    this.pushing =
        committed
            .asFlux()
            .concatMap(
                batch -> {
                  long committedAt = System.nanoTime();
                  return push(batch)
                      .doFinally(
                          signal ->
                              pushed.record(System.nanoTime() - committedAt, TimeUnit.NANOSECONDS));
                })
            .name("message.push")
            .subscribe();
  }

  /**
   * Notes, inside the send batch's transaction, that these messages will be pushed by {@link
   * #pushCommitted} after the commit, so that a relay pass that sees their rows first waits for
   * that push instead of pushing them too.
   */
  public void expect(List<String> messageIds) {
    long now = System.nanoTime();
    if (pushes.size() > LEDGER_SWEEP_SIZE) {
      // Rows another replica relays, and batches whose commit failed, are never looked at here.
      pushes.values().removeIf(push -> now - push.queuedAt() > FORGET_NANOS);
    }
    for (String messageId : messageIds) {
      pushes.put(messageId, new Push(now, Sinks.one()));
    }
  }

  /**
   * Pushes the messages of a committed send batch (in seq order per conversation, each {@link
   * #expect}ed before the commit) without waiting for the relay; the relay then skips those that
   * reached the broker. Returns at once.
   */
  public void pushCommitted(List<Committed> batch) {
    if (batch.isEmpty()) {
      return;
    }
    synchronized (lock) {
      if (committed.tryEmitNext(batch).isFailure()) {
        batch.forEach(message -> settle(message.message().messageId(), false));
      }
    }
  }

  /**
   * Pushes one committed batch. After a push failed, later batches are left to the relay as well
   * (settled {@code false} without a push) until the relay has pushed the last of them, so that no
   * batch push overtakes the relay's push of an earlier message (at most {@link #GIVE_WAY_NANOS},
   * in case the relay gives the rows up).
   */
  private Mono<Void> push(List<Committed> batch) {
    List<StoredMessage> messages = new ArrayList<>(batch.size());
    Map<String, String> traceparents = new HashMap<>();
    for (Committed message : batch) {
      messages.add(message.message());
      if (message.traceparent() != null) {
        traceparents.put(message.message().messageId(), message.traceparent());
      }
    }
    if (leaveToRelay(messages, false)) {
      return Mono.empty();
    }
    return fanOut(messages, traceparents)
        .timeout(TIMEOUT)
        .then(Mono.fromRunnable(() -> messages.forEach(m -> settle(m.messageId(), true))))
        .onErrorResume(
            e -> {
              log.debug("Pushing {} messages failed, the relay pushes them: {}", batch.size(), e);
              leaveToRelay(messages, true);
              return Mono.empty();
            })
        .then();
  }

  /**
   * Leaves the messages to the relay when {@code failed}, or when an earlier push failed and the
   * relay has not caught up; answers whether it did.
   */
  private boolean leaveToRelay(List<StoredMessage> messages, boolean failed) {
    synchronized (lock) {
      long now = System.nanoTime();
      if (!failed && (lastLeftToRelay == null || now - leftSince > GIVE_WAY_NANOS)) {
        lastLeftToRelay = null;
        return false;
      }
      if (lastLeftToRelay == null) {
        leftSince = now;
      }
      lastLeftToRelay = messages.get(messages.size() - 1).messageId();
    }
    messages.forEach(m -> settle(m.messageId(), false));
    return true;
  }

  private void settle(String messageId, boolean pushed) {
    Push push = pushes.get(messageId);
    if (push != null) {
      push.done().tryEmitValue(pushed);
    }
  }

  @Override
  public void destroy() {
    pushing.dispose();
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
    return notPushed(stored)
        .flatMap(
            rest -> {
              if (rest.isEmpty()) {
                return Mono.<Void>empty();
              }
              return store
                  .byIds(rest.stream().map(MessageStored::messageId).toList())
                  .collectMap(StoredMessage::messageId, Function.identity())
                  .flatMap(
                      found -> {
                        List<StoredMessage> messages = new ArrayList<>(rest.size());
                        for (MessageStored event : rest) {
                          StoredMessage message = found.get(event.messageId());
                          if (message != null) { // else not committed after all
                            messages.add(message);
                          }
                        }
                        return fanOut(messages, traceparents);
                      });
            })
        .timeout(TIMEOUT)
        .then(Mono.fromRunnable(() -> relayed(stored)))
        .doOnError(e -> log.warn("Fan-out of {} messages failed: {}", stored.size(), e.toString()))
        .then();
  }

  /**
   * The relayed messages that no push from a send batch handed to the broker, in relay order; waits
   * for the pushes still under way (bounded by the relay's own timeout).
   */
  private Mono<List<MessageStored>> notPushed(List<MessageStored> relayed) {
    List<Mono<Boolean>> outcomes = new ArrayList<>(relayed.size());
    boolean anyPushed = false;
    for (MessageStored event : relayed) {
      Push push = pushes.get(event.messageId());
      anyPushed |= push != null;
      outcomes.add(push == null ? Mono.just(false) : push.done().asMono());
    }
    if (!anyPushed) {
      return Mono.just(relayed);
    }
    return Flux.concat(outcomes)
        .collectList()
        .map(
            pushed -> {
              List<MessageStored> rest = new ArrayList<>();
              for (int i = 0; i < relayed.size(); i++) {
                if (!pushed.get(i)) {
                  rest.add(relayed.get(i));
                }
              }
              return rest;
            });
  }

  /**
   * After a relay pass pushed (or skipped) these messages: forgets their pushes, and lets the batch
   * pushes go on when the last message left to the relay is among them. A pass that fails keeps the
   * pushes, so that its retry skips again what was pushed.
   */
  private void relayed(List<MessageStored> messages) {
    synchronized (lock) {
      for (MessageStored message : messages) {
        pushes.remove(message.messageId());
        if (message.messageId().equals(lastLeftToRelay)) {
          lastLeftToRelay = null;
        }
      }
    }
  }

  /**
   * One {@code message} frame per message to every device of every active member, but the sender's.
   */
  private Mono<Void> fanOut(List<StoredMessage> messages, Map<String, String> traceparents) {
    if (messages.isEmpty()) {
      return Mono.empty();
    }
    Set<String> conversations =
        messages.stream()
            .map(StoredMessage::conversationId)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    return Flux.fromIterable(conversations)
        .flatMap(id -> access.activeMembers(id).map(list -> Map.entry(id, list)), 8)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
        .flatMap(
            members -> {
              List<Delivery> out = new ArrayList<>();
              for (StoredMessage message : messages) {
                String frame = json.writeValueAsString(message.toFrame());
                // The pushes join the message's trace when it is sampled (ADR 0028).
                String traceparent = traceparents.get(message.messageId());
                for (String member : members.getOrDefault(message.conversationId(), List.of())) {
                  String except =
                      member.equals(message.senderId()) ? message.senderDeviceId() : null;
                  out.add(
                      Delivery.message(
                              member, except, message.conversationId(), message.seq(), frame)
                          .tracedBy(traceparent));
                }
              }
              return out.isEmpty() ? Mono.<Void>empty() : deliveries.deliver(out);
            });
  }
}
