package com.parley.im.defaults.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * The outbox carries a row's trace context to the broker (ADR 0028): on the local RabbitMQ, a
 * message whose row holds a {@code traceparent} arrives with that AMQP header, one without it
 * arrives without the header.
 */
class RabbitOutboxPublisherTraceparentTests {

  private static final String TRACEPARENT =
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  private final CachingConnectionFactory rabbit = new CachingConnectionFactory("127.0.0.1", 5672);
  private final String prefix = "trace-test-" + UUID.randomUUID() + ".";
  private final RabbitAdmin admin = new RabbitAdmin(rabbit);

  RabbitOutboxPublisherTraceparentTests() {
    rabbit.setUsername("guest");
    rabbit.setPassword("guest");
    rabbit.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
  }

  @AfterEach
  void close() {
    admin.deleteQueue(prefix + "queue");
    admin.deleteExchange(prefix + "dest");
    rabbit.destroy();
  }

  @Test
  void aTracedRowLeavesWithItsTraceparentHeader() {
    TopicExchange exchange = new TopicExchange(prefix + "dest", true, false);
    admin.declareExchange(exchange);
    // A plain queue: Spring AMQP's AnonymousQueue asks for x-queue-leader-locator, which the
    // RabbitMQ here (before 3.12) refuses.
    Queue queue = new Queue(prefix + "queue", false);
    admin.declareQueue(queue);
    admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with("dest"));
    var publisher = new RabbitOutboxPublisher(rabbit, prefix, Duration.ofSeconds(5));

    OutboxPublisher.Published result =
        publisher.publishAll(
            List.of(
                new OutboxMessage(1, "e1", "dest", "Event", "{}", TRACEPARENT),
                new OutboxMessage(2, "e2", "dest", "Event", "{}")));

    assertThat(result.confirmed()).isEqualTo(2);
    RabbitTemplate consumer = new RabbitTemplate(rabbit);
    Message traced = consumer.receive(queue.getName(), 5000);
    Message untraced = consumer.receive(queue.getName(), 5000);
    assertThat(traced).isNotNull();
    assertThat(traced.getMessageProperties().<String>getHeader("eventId")).isEqualTo("e1");
    assertThat(traced.getMessageProperties().<String>getHeader("traceparent"))
        .isEqualTo(TRACEPARENT);
    assertThat(untraced).isNotNull();
    assertThat(untraced.getMessageProperties().<String>getHeader("eventId")).isEqualTo("e2");
    assertThat(untraced.getMessageProperties().getHeaders()).doesNotContainKey("traceparent");
  }
}
