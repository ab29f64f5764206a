package com.parley.im.defaults.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.support.AmqpHeaders;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.messaging.Message;

/**
 * How {@link StreamBridgeOutboxPublisher#publishAll} counts the confirmed prefix (a confirm per
 * message, in order). The broker is a mock that answers confirms from a script; the batching
 * publisher ({@link RabbitOutboxPublisher}) runs against the real broker in message-service's
 * {@code OutboxBatchIntegrationTests}.
 */
class StreamBridgeOutboxPublisherTests {

  private final StreamBridge bridge = mock(StreamBridge.class);
  private final List<CorrelationData> pending = new ArrayList<>();

  private List<OutboxMessage> messages(int n) {
    List<OutboxMessage> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(new OutboxMessage(i, "e" + i, "dest", "Event", "{}"));
    }
    return list;
  }

  /** The bridge sends; each send's confirm is decided by {@code answer} right away or never. */
  private void broker(Set<String> nacked, Set<String> unconfirmed, Set<String> unsendable) {
    when(bridge.send(anyString(), any()))
        .thenAnswer(
            invocation -> {
              Message<?> message = invocation.getArgument(1);
              CorrelationData correlation =
                  (CorrelationData)
                      message.getHeaders().get(AmqpHeaders.PUBLISH_CONFIRM_CORRELATION);
              String id = correlation.getId();
              if (unsendable.contains(id)) {
                return false;
              }
              pending.add(correlation);
              if (!unconfirmed.contains(id)) {
                correlation
                    .getFuture()
                    .complete(new CorrelationData.Confirm(!nacked.contains(id), "scripted"));
              }
              return true;
            });
  }

  @Test
  void publishesTheBatchAndCountsEveryConfirm() {
    broker(Set.of(), Set.of(), Set.of());
    var publisher = new StreamBridgeOutboxPublisher(bridge, Duration.ofSeconds(1));

    OutboxPublisher.Published result = publisher.publishAll(messages(5));

    assertThat(result.confirmed()).isEqualTo(5);
    assertThat(result.failure()).isNull();
    verify(bridge, times(5)).send(anyString(), any());
  }

  @Test
  void aNackEndsTheConfirmedPrefix() {
    broker(Set.of("e3"), Set.of(), Set.of());
    var publisher = new StreamBridgeOutboxPublisher(bridge, Duration.ofSeconds(1));

    OutboxPublisher.Published result = publisher.publishAll(messages(5));

    assertThat(result.confirmed()).isEqualTo(2);
    assertThat(result.failure()).hasMessageContaining("e3");
    // Nothing after the refused one was sent.
    assertThat(pending).hasSize(3);
  }

  @Test
  void aMissingConfirmTimesOutAndEndsThePrefix() {
    broker(Set.of(), Set.of("e2", "e4"), Set.of());
    var publisher = new StreamBridgeOutboxPublisher(bridge, Duration.ofMillis(200));

    long started = System.nanoTime();
    OutboxPublisher.Published result = publisher.publishAll(messages(5));

    assertThat(result.confirmed()).isEqualTo(1);
    assertThat(result.failure()).hasMessageContaining("e2");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aSendThatFailsStopsTheBatchThereAndTheEarlierOnesStillCount() {
    broker(Set.of(), Set.of(), Set.of("e3"));
    var publisher = new StreamBridgeOutboxPublisher(bridge, Duration.ofSeconds(1));

    OutboxPublisher.Published result = publisher.publishAll(messages(5));

    assertThat(result.confirmed()).isEqualTo(2);
    assertThat(result.failure()).hasMessageContaining("e3");
    verify(bridge, times(3)).send(anyString(), any());
  }

  @Test
  void theDefaultBatchPublishesOneAfterTheOtherAndStopsAtTheFirstFailure() {
    List<String> published = new ArrayList<>();
    OutboxPublisher oneByOne =
        message -> {
          if (message.eventId().equals("e4")) {
            throw new IllegalStateException("down");
          }
          published.add(message.eventId());
        };

    OutboxPublisher.Published result = oneByOne.publishAll(messages(6));

    assertThat(result.confirmed()).isEqualTo(3);
    assertThat(result.failure()).hasMessage("down");
    assertThat(published).containsExactly("e1", "e2", "e3");
  }
}
