package com.parley.im.defaults.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * The default {@link OutboxPublisher} of a RabbitMQ service: publishes a whole batch on one
 * channel, then waits for all its publisher confirms together (ADR 0004), so a batch costs one
 * round trip and keeps its order (RabbitMQ orders messages per channel only; Spring Cloud Stream's
 * {@code StreamBridge} would spread unconfirmed sends over several cached channels, because a
 * channel with pending confirms is not reused until they arrive).
 *
 * <p>It publishes where the Rabbit binder would: to the topic exchange {@code prefix + destination}
 * (declared durable, as the binder does) with the destination as routing key, as persistent JSON
 * with the headers {@code eventId}, {@code eventType} and, for a sampled trace, {@code traceparent}
 * (ADR 0028). It needs {@code spring.rabbitmq.publisher-confirm-type: correlated}. Blocking: call
 * it off the event loop.
 */
public class RabbitOutboxPublisher implements OutboxPublisher {

  /** The AMQP header carrying the W3C trace context of a traced message (ADR 0028). */
  public static final String TRACEPARENT = "traceparent";

  private final RabbitTemplate template;
  private final RabbitAdmin admin;
  private final String prefix;
  private final Duration confirmTimeout;
  private final Set<String> declared = ConcurrentHashMap.newKeySet();

  /**
   * @param prefix the binder's exchange prefix ({@code
   *     spring.cloud.stream.rabbit.default.producer.prefix}), empty for none
   */
  public RabbitOutboxPublisher(
      ConnectionFactory connectionFactory, String prefix, Duration confirmTimeout) {
    this.template = new RabbitTemplate(connectionFactory);
    this.template.setObservationEnabled(true);
    this.admin = new RabbitAdmin(connectionFactory);
    this.prefix = prefix == null ? "" : prefix;
    this.confirmTimeout = confirmTimeout;
  }

  @Override
  public void publish(OutboxMessage message) {
    Published result = publishAll(List.of(message));
    if (result.failure() != null) {
      throw result.failure();
    }
  }

  @Override
  public Published publishAll(List<OutboxMessage> messages) {
    if (messages.isEmpty()) {
      return new Published(0, null);
    }
    List<CorrelationData> sent = new ArrayList<>(messages.size());
    RuntimeException sendFailure = null;
    try {
      for (OutboxMessage message : messages) {
        String exchange = prefix + message.destination();
        if (!declared.contains(exchange)) {
          admin.declareExchange(new TopicExchange(exchange, true, false));
          declared.add(exchange);
        }
      }
      // invoke: every send of the callback on the same (dedicated) channel, in order.
      template.invoke(
          operations -> {
            for (OutboxMessage message : messages) {
              CorrelationData correlation = new CorrelationData(message.eventId());
              operations.send(
                  prefix + message.destination(),
                  message.routingKeyOrDestination(),
                  amqp(message),
                  correlation);
              sent.add(correlation);
            }
            return null;
          });
    } catch (RuntimeException e) {
      // Later messages were not sent: they must not overtake the first unsent one.
      sendFailure = new StreamBridgeOutboxPublisher.OutboxPublishException("Send failed", e);
    }
    long deadline = System.nanoTime() + confirmTimeout.toNanos();
    for (int i = 0; i < sent.size(); i++) {
      RuntimeException failure = awaitConfirm(sent.get(i), messages.get(i), deadline);
      if (failure != null) {
        return new Published(i, failure);
      }
    }
    return new Published(sent.size(), sendFailure);
  }

  private static Message amqp(OutboxMessage message) {
    MessageProperties properties = new MessageProperties();
    properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
    properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
    properties.setHeader("eventId", message.eventId());
    properties.setHeader("eventType", message.eventType());
    if (message.traceparent() != null) {
      properties.setHeader(TRACEPARENT, message.traceparent());
    }
    return new Message(message.payload().getBytes(StandardCharsets.UTF_8), properties);
  }

  private static RuntimeException awaitConfirm(
      CorrelationData correlation, OutboxMessage message, long deadlineNanos) {
    CorrelationData.Confirm confirm;
    try {
      long waitNanos = Math.max(0, deadlineNanos - System.nanoTime());
      confirm = correlation.getFuture().get(waitNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new StreamBridgeOutboxPublisher.OutboxPublishException(
          "Interrupted waiting for the confirm", e);
    } catch (ExecutionException | TimeoutException e) {
      return new StreamBridgeOutboxPublisher.OutboxPublishException(
          "No publisher confirm for " + message.eventId(), e);
    }
    if (!confirm.ack()) {
      return new StreamBridgeOutboxPublisher.OutboxPublishException(
          "Broker refused " + message.eventId() + ": " + confirm.reason());
    }
    return null;
  }
}
