package com.parley.im.message.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.parley.im.defaults.outbox.OutboxMessage;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.events.Destinations;
import com.parley.im.events.MessageStored;
import com.parley.im.message.conversation.ConversationAccess;
import com.parley.im.message.fanout.MessageFanOut.Committed;
import com.parley.im.message.store.R2dbcMessageStore;
import com.parley.im.message.store.StoredMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ledger between the push from a send batch and the relay (ADR 0030): the relay skips what the
 * batch's push handed to the broker, and pushes what it failed to.
 */
class MessageFanOutTests {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final JsonMapper json = JsonMapper.builder().build();
  private final R2dbcMessageStore store = mock(R2dbcMessageStore.class);
  private final ConversationAccess access = mock(ConversationAccess.class);
  private final List<List<Delivery>> delivered = new CopyOnWriteArrayList<>();
  private final AtomicBoolean brokerDown = new AtomicBoolean();
  private final MessageFanOut fanOut =
      new MessageFanOut(
          store,
          access,
          deliveries ->
              brokerDown.get()
                  ? Mono.error(new IllegalStateException("broker down"))
                  : Mono.fromRunnable(() -> delivered.add(deliveries)),
          json,
          new SimpleMeterRegistry());

  private final StoredMessage message =
      new StoredMessage(
          "m-1",
          "c-1",
          7,
          "alice",
          "phone",
          "cm-1",
          "text",
          Map.of("text", "hi"),
          Instant.now(),
          null);

  MessageFanOutTests() {
    when(access.activeMembers("c-1")).thenReturn(Mono.just(List.of("alice", "bob")));
    when(store.byIds(anyList())).thenReturn(Flux.just(message));
  }

  @Test
  void theRelaySkipsAMessageItsBatchPushed() {
    fanOut.expect(List.of("m-1"));
    fanOut.pushCommitted(List.of(new Committed(message, null)));
    awaitDeliveries(1);

    StepVerifier.create(fanOut.relaying(List.of(row()))).expectComplete().verify(WAIT);

    assertThat(delivered).hasSize(1);
    assertThat(delivered.get(0))
        .extracting(Delivery::userId, Delivery::exceptDeviceId, Delivery::seq)
        .containsExactly(tuple("alice", "phone", 7L), tuple("bob", null, 7L));
    verify(store, never()).byIds(anyList());
  }

  @Test
  void theRelayPushesAMessageWhosePushFailed() {
    brokerDown.set(true);
    fanOut.expect(List.of("m-1"));
    fanOut.pushCommitted(List.of(new Committed(message, null)));
    brokerDown.set(false);

    StepVerifier.create(fanOut.relaying(List.of(row()))).expectComplete().verify(WAIT);

    assertThat(delivered).hasSize(1);
    assertThat(delivered.get(0)).extracting(Delivery::userId).containsExactly("alice", "bob");
    verify(store).byIds(List.of("m-1"));
  }

  @Test
  void aRelayPassBeforeThePushWaitsForIt() {
    fanOut.expect(List.of("m-1")); // the batch committed, its push not handed over yet
    Mono<Void> relayed = fanOut.relaying(List.of(row()));
    StepVerifier.create(relayed)
        .then(() -> fanOut.pushCommitted(List.of(new Committed(message, null))))
        .expectComplete()
        .verify(WAIT);

    assertThat(delivered).hasSize(1);
    verify(store, never()).byIds(anyList());
  }

  @Test
  void afterAFailedPushLaterBatchesWaitForTheRelaySoNothingOvertakes() {
    StoredMessage next =
        new StoredMessage(
            "m-2",
            "c-1",
            8,
            "alice",
            "phone",
            "cm-2",
            "text",
            Map.of("text", "again"),
            Instant.now(),
            null);
    fanOut.expect(List.of("m-1"));
    brokerDown.set(true);
    fanOut.pushCommitted(List.of(new Committed(message, null)));
    brokerDown.set(false);
    fanOut.expect(List.of("m-2"));
    fanOut.pushCommitted(List.of(new Committed(next, null)));

    when(store.byIds(anyList())).thenReturn(Flux.just(message, next));
    StepVerifier.create(fanOut.relaying(List.of(row("m-1", 7), row("m-2", 8))))
        .expectComplete()
        .verify(WAIT);

    // One push, from the relay, seq 7 before seq 8; the batch push of seq 8 gave way.
    assertThat(delivered).hasSize(1);
    assertThat(delivered.get(0))
        .extracting(Delivery::userId, Delivery::seq)
        .containsExactly(
            tuple("alice", 7L), tuple("bob", 7L), tuple("alice", 8L), tuple("bob", 8L));

    // The relay caught up: the next batch is pushed at once again.
    fanOut.expect(List.of("m-3"));
    fanOut.pushCommitted(
        List.of(
            new Committed(
                new StoredMessage(
                    "m-3",
                    "c-1",
                    9,
                    "alice",
                    "phone",
                    "cm-3",
                    "text",
                    Map.of("text", "3"),
                    Instant.now(),
                    null),
                null)));
    awaitDeliveries(2);
  }

  @Test
  void theRelayPushesAMessageNoBatchPushed() {
    StepVerifier.create(fanOut.relaying(List.of(row()))).expectComplete().verify(WAIT);

    assertThat(delivered).hasSize(1);
    verify(store).byIds(List.of("m-1"));
  }

  @Test
  void aRelayedRowIsPushedOnceEvenWhenTheRelayPassesAgain() {
    fanOut.expect(List.of("m-1"));
    fanOut.pushCommitted(List.of(new Committed(message, null)));
    awaitDeliveries(1);
    StepVerifier.create(fanOut.relaying(List.of(row()))).expectComplete().verify(WAIT);

    // A pass that failed elsewhere relays the batch again: the push is forgotten, so it pushes.
    StepVerifier.create(fanOut.relaying(List.of(row()))).expectComplete().verify(WAIT);

    assertThat(delivered).hasSize(2);
  }

  private void awaitDeliveries(int count) {
    await().atMost(WAIT).until(() -> delivered.size() >= count);
  }

  private OutboxMessage row() {
    return row("m-1", 7);
  }

  private OutboxMessage row(String messageId, long seq) {
    MessageStored event =
        new MessageStored(
            "e-" + messageId,
            Instant.now(),
            messageId,
            "c-1",
            seq,
            "alice",
            "phone",
            "cm-" + seq,
            "text",
            Instant.now(),
            null);
    return new OutboxMessage(
        seq,
        "e-" + messageId,
        Destinations.MESSAGE_STORED,
        "MessageStored",
        json.writeValueAsString(event),
        null);
  }
}
