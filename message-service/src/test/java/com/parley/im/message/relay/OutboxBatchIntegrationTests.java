package com.parley.im.message.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.defaults.outbox.OutboxRelay;
import com.parley.im.events.Destinations;
import com.parley.im.events.ReadPositionMoved;
import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import com.parley.im.message.conversation.TestOutbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;

/**
 * The shared outbox relay (im-service-defaults) in this service, against the real broker: a batch
 * is published and confirmed together, listeners see it before it counts as published, a listener's
 * failure holds the batch back (for five passes at most), and a failed row holds back the rows
 * after it while the rows before it count as published.
 */
class OutboxBatchIntegrationTests extends MessagingIntegrationTestBase {

  @Autowired Outbox outbox;
  @Autowired OutboxRelay relay;
  @Autowired ReactiveTransactionManager transactions;
  @Autowired TestOutbox.FailingPublisher publisher;
  @Autowired TestOutbox.RecordingListener listener;

  @AfterEach
  void healthy() {
    publisher.failAt(null);
    listener.failing(false);
  }

  /** Appends n events in one transaction; answers their ids in order. */
  private List<String> appendInOneTransaction(String conversationId, int n) {
    List<ReadPositionMoved> events = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      events.add(
          new ReadPositionMoved(
              UUID.randomUUID().toString(), Instant.now(), conversationId, "u", i));
    }
    TransactionalOperator.create(transactions)
        .transactional(
            Flux.fromIterable(events)
                .concatMap(e -> outbox.append(Destinations.READ_POSITION_MOVED, e))
                .then())
        .block(WAIT);
    return events.stream().map(ReadPositionMoved::eventId).toList();
  }

  private long published(List<String> eventIds) {
    return count(
        "select count(*) from outbox_event where published_at is not null and event_id in ('"
            + String.join("','", eventIds)
            + "')");
  }

  private List<Object> received(
      com.parley.im.testsupport.EventTap tap, String conversation, int n) {
    List<Object> seqs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> event = tap.next("conversationId", conversation);
      seqs.add(event.get("readSeq"));
    }
    return seqs;
  }

  private static List<Object> seqs(int from, int to) {
    List<Object> list = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      list.add(i);
    }
    return list;
  }

  @Test
  void aBatchIsShownToListenersUnpublishedAndThenPublishedWhole() {
    var tap = tap(Destinations.READ_POSITION_MOVED);
    String conversation = "c-" + UUID.randomUUID();

    List<String> ids = appendInOneTransaction(conversation, 30);

    assertThat(received(tap, conversation, 30)).isEqualTo(seqs(1, 30));
    awaitTrue(() -> published(ids) == 30);
    List<String> seen =
        listener.seen.stream()
            .filter(batch -> batch.eventIds().stream().anyMatch(ids::contains))
            .peek(batch -> assertThat(batch.alreadyPublished()).isZero())
            .flatMap(batch -> batch.eventIds().stream())
            .filter(ids::contains)
            .toList();
    assertThat(seen).isEqualTo(ids);
  }

  @Test
  void aFailingListenerHoldsTheBatchBackUntilItSucceeds() {
    String conversation = "c-" + UUID.randomUUID();
    long failuresBefore = relay.listenerFailures();
    listener.failing(true);

    List<String> ids = appendInOneTransaction(conversation, 3);

    // Retried (200 ms, then 400 and 500 ms apart): failing every time, and nothing published.
    awaitTrue(() -> relay.listenerFailures() >= failuresBefore + 2);
    assertThat(published(ids)).isZero();

    var tap = tap(Destinations.READ_POSITION_MOVED);
    listener.failing(false);
    awaitTrue(() -> published(ids) == 3);
    assertThat(
            listener.seen.stream()
                .flatMap(batch -> batch.eventIds().stream())
                .filter(ids::contains)
                .toList())
        .isEqualTo(ids);
    assertThat(received(tap, conversation, 3)).isEqualTo(seqs(1, 3));
  }

  @Test
  void aListenerThatKeepsFailingIsGivenUpOnAfterFiveAttempts() {
    var tap = tap(Destinations.READ_POSITION_MOVED);
    String conversation = "c-" + UUID.randomUUID();
    listener.failing(true);

    List<String> ids = appendInOneTransaction(conversation, 2);

    awaitTrue(() -> published(ids) == 2);
    assertThat(
            count(
                "select max(attempts) from outbox_event where event_id in ('"
                    + String.join("','", ids)
                    + "')"))
        .isEqualTo(5);
    assertThat(listener.seen.stream().flatMap(b -> b.eventIds().stream()).filter(ids::contains))
        .isEmpty();
    assertThat(received(tap, conversation, 2)).isEqualTo(seqs(1, 2));
  }

  @Test
  void aFailedRowIsRetriedBeforeTheRowsAfterItAndTheRowsBeforeItArePublished() {
    var tap = tap(Destinations.READ_POSITION_MOVED);
    String conversation = "c-" + UUID.randomUUID();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    publisher.failAt(ids.get(2));
    TransactionalOperator.create(transactions)
        .transactional(
            Flux.range(0, 5)
                .concatMap(
                    i ->
                        outbox.append(
                            Destinations.READ_POSITION_MOVED,
                            new ReadPositionMoved(
                                ids.get(i), Instant.now(), conversation, "u", i + 1)))
                .then())
        .block(WAIT);

    assertThat(received(tap, conversation, 2)).isEqualTo(seqs(1, 2));
    awaitTrue(
        () ->
            count("select attempts from outbox_event where event_id = '" + ids.get(2) + "'") >= 1);
    assertThat(published(ids.subList(0, 2))).isEqualTo(2);
    assertThat(published(ids.subList(2, 5))).isZero();
    assertThat(
            count(
                "select count(*) from outbox_event where attempts > 0 and event_id in ('"
                    + ids.get(3)
                    + "','"
                    + ids.get(4)
                    + "')"))
        .isZero();

    publisher.failAt(null);
    assertThat(received(tap, conversation, 3)).isEqualTo(seqs(3, 5));
    awaitTrue(() -> published(ids) == 5);
  }
}
