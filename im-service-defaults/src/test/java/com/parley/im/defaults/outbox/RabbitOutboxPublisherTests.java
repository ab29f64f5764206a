package com.parley.im.defaults.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * {@link RabbitOutboxPublisher} when no broker answers: nothing counts as confirmed and the failure
 * is reported, not thrown, by the batch method. Publishing to a real broker (one channel, order,
 * confirms together, a failed row holding back the rest) is covered by message-service's {@code
 * OutboxBatchIntegrationTests}.
 */
class RabbitOutboxPublisherTests {

  @Test
  void anUnreachableBrokerConfirmsNothing() {
    CachingConnectionFactory unreachable = new CachingConnectionFactory("127.0.0.1", 1);
    unreachable.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
    unreachable.setConnectionTimeout(1000);
    try {
      var publisher = new RabbitOutboxPublisher(unreachable, "t.", Duration.ofSeconds(1));
      List<OutboxMessage> batch =
          List.of(
              new OutboxMessage(1, "e1", "dest", "Event", "{}"),
              new OutboxMessage(2, "e2", "dest", "Event", "{}"));

      OutboxPublisher.Published result = publisher.publishAll(batch);

      assertThat(result.confirmed()).isZero();
      assertThat(result.failure()).isNotNull();
      assertThatThrownBy(() -> publisher.publish(batch.get(0)))
          .isInstanceOf(StreamBridgeOutboxPublisher.OutboxPublishException.class);
    } finally {
      unreachable.destroy();
    }
  }
}
