package com.parley.im.defaults.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.support.AmqpHeaders;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * Publishes through Spring Cloud Stream's {@link StreamBridge} to the message's destination and
 * waits for the RabbitMQ publisher confirm ({@code useConfirmHeader}), one message after the other
 * (also in {@link #publishAll}: StreamBridge does not keep unconfirmed sends on one channel, so a
 * batch sent at once could be reordered; {@link RabbitOutboxPublisher} batches). Blocking: call it
 * off the event loop. Used only where no RabbitMQ connection factory exists (then no queue binding
 * routes by key either): a message's {@link OutboxMessage#routingKey} is not applied.
 */
public class StreamBridgeOutboxPublisher implements OutboxPublisher {

  private final StreamBridge streamBridge;
  private final Duration confirmTimeout;

  public StreamBridgeOutboxPublisher(StreamBridge streamBridge, Duration confirmTimeout) {
    this.streamBridge = streamBridge;
    this.confirmTimeout = confirmTimeout;
  }

  @Override
  public void publish(OutboxMessage message) {
    awaitConfirm(send(message), message, System.nanoTime() + confirmTimeout.toNanos());
  }

  private CorrelationData send(OutboxMessage message) {
    CorrelationData correlation = new CorrelationData(message.eventId());
    MessageBuilder<byte[]> amqp =
        MessageBuilder.withPayload(message.payload().getBytes(StandardCharsets.UTF_8))
            .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON_VALUE)
            .setHeader("eventId", message.eventId())
            .setHeader("eventType", message.eventType())
            .setHeader(AmqpHeaders.PUBLISH_CONFIRM_CORRELATION, correlation);
    if (message.traceparent() != null) {
      amqp.setHeader(RabbitOutboxPublisher.TRACEPARENT, message.traceparent());
    }
    if (!streamBridge.send(message.destination(), amqp.build())) {
      throw new OutboxPublishException("StreamBridge did not send " + message.eventId());
    }
    return correlation;
  }

  private static void awaitConfirm(
      CorrelationData correlation, OutboxMessage message, long deadlineNanos) {
    CorrelationData.Confirm confirm;
    try {
      long waitNanos = Math.max(0, deadlineNanos - System.nanoTime());
      confirm = correlation.getFuture().get(waitNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutboxPublishException("Interrupted waiting for the confirm", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new OutboxPublishException("No publisher confirm for " + message.eventId(), e);
    }
    if (!confirm.ack()) {
      throw new OutboxPublishException(
          "Broker refused " + message.eventId() + ": " + confirm.reason());
    }
  }

  /** The broker did not take the message. */
  public static class OutboxPublishException extends RuntimeException {
    OutboxPublishException(String message) {
      super(message);
    }

    OutboxPublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
