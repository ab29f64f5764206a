package com.parley.im.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * A test's own queue on the exchange that Spring Cloud Stream publishes a destination to (with this
 * run's broker prefix), to read the events a service published. Open it before the action whose
 * event it should see.
 */
public final class EventTap {

  private final RabbitTemplate template;
  private final String queue;
  private final JsonMapper json;

  private EventTap(RabbitTemplate template, String queue, JsonMapper json) {
    this.template = template;
    this.queue = queue;
    this.json = json;
  }

  /** Declares a queue bound to {@code destination}'s exchange and returns a tap on it. */
  public static EventTap open(ConnectionFactory rabbit, JsonMapper json, String destination) {
    RabbitAdmin admin = new RabbitAdmin(rabbit);
    TopicExchange exchange = new TopicExchange(exchangeOf(destination), true, false);
    admin.declareExchange(exchange);
    // Not AnonymousQueue: it asks for x-queue-leader-locator, which RabbitMQ 3.10 refuses. Not
    // exclusive either (it would vanish with a connection the cache replaces): it expires unused.
    Queue queue =
        QueueBuilder.nonDurable(
                TestInfrastructure.get().brokerPrefix() + "tap." + UUID.randomUUID())
            .expires(120_000)
            .build();
    admin.declareQueue(queue);
    admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with("#"));
    return new EventTap(new RabbitTemplate(rabbit), queue.getName(), json);
  }

  /** Publishes {@code event} as JSON to a destination's exchange, as another service would. */
  public static void publish(
      ConnectionFactory rabbit, JsonMapper json, String destination, Object event) {
    publish(rabbit, json, destination, destination, event);
  }

  /**
   * Publishes {@code event} to the run's exchange of {@code destination} with {@code routingKey}.
   */
  public static void publish(
      ConnectionFactory rabbit,
      JsonMapper json,
      String destination,
      String routingKey,
      Object event) {
    MessageProperties properties = new MessageProperties();
    properties.setContentType("application/json");
    new RabbitTemplate(rabbit)
        .send(
            exchangeOf(destination),
            routingKey,
            new Message(json.writeValueAsBytes(event), properties));
  }

  private static String exchangeOf(String destination) {
    return TestInfrastructure.get().brokerPrefix() + destination;
  }

  /** The next event whose field {@code key} equals {@code value}, within 15 s. */
  public Map<String, Object> next(String key, String value) {
    return next(event -> value.equals(event.get(key)), key + "=" + value);
  }

  /** The next event that {@code matches}, within 15 s. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> next(
      java.util.function.Predicate<Map<String, Object>> matches, String description) {
    Message message = nextMessage(matches, description);
    return json.readValue(new String(message.getBody(), StandardCharsets.UTF_8), Map.class);
  }

  /**
   * The next message whose event {@code matches}, within 15 s, as the broker delivered it (body and
   * properties: what a provider's contract verification checks, ADR 0011).
   */
  @SuppressWarnings("unchecked")
  public Message nextMessage(
      java.util.function.Predicate<Map<String, Object>> matches, String description) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      Message message = template.receive(queue, 1000);
      if (message == null) {
        continue;
      }
      Map<String, Object> event =
          json.readValue(new String(message.getBody(), StandardCharsets.UTF_8), Map.class);
      if (matches.test(event)) {
        return message;
      }
    }
    throw new AssertionError("No event with " + description + " on " + queue);
  }
}
