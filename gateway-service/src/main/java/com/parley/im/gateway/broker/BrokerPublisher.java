package com.parley.im.gateway.broker;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes events to the broker on one thread of its own, so that event loops never wait for the
 * broker (a send can block on a connection or a channel). It publishes where Spring Cloud Stream's
 * Rabbit binder would (the durable topic exchange {@code prefix + destination}, routing key = the
 * destination, JSON with its content type), so binder consumers read the events as usual.
 *
 * <p>Promises: events reach the broker in the order they were submitted: one thread sends them one
 * after the other through a {@link RabbitTemplate} without publisher confirms, which takes the same
 * cached channel for every send, and the broker keeps order per channel. Cannot promise delivery:
 * when the broker is unreachable an event is logged and lost, and beyond {@code maxPending} waiting
 * events new ones are dropped and counted. Callers choose it for events whose loss something else
 * repairs.
 */
public final class BrokerPublisher {

  private static final Logger log = LoggerFactory.getLogger(BrokerPublisher.class);

  private final RabbitTemplate template;
  private final AmqpAdmin admin;
  private final JsonMapper json;
  private final String prefix;
  private final String name;
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  // A plain thread that may block (not a Reactor scheduler: BlockHound counts those as
  // non-blocking), with a bounded queue.
  private final ThreadPoolExecutor thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /**
   * @param prefix the binder's exchange prefix ({@code
   *     spring.cloud.stream.rabbit.default.producer.prefix}), empty for none
   * @param name names the thread ({@code im-<name>-publisher}) and the log lines
   * @param maxPending events waiting for the thread; beyond, new ones are dropped
   */
  public BrokerPublisher(
      RabbitTemplate template,
      AmqpAdmin admin,
      JsonMapper json,
      String prefix,
      String name,
      int maxPending) {
    this.template = template;
    this.admin = admin;
    this.json = json;
    this.prefix = prefix == null ? "" : prefix;
    this.name = name;
    this.thread =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(maxPending),
            runnable -> {
              Thread t = new Thread(runnable, "im-" + name + "-publisher");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Hands an event to the publishing thread. {@code eventOf} runs on that thread (make ids there:
   * random ids may read {@code /dev/urandom}). Returns false when the event was dropped because the
   * queue is full or the publisher is shut down.
   */
  public boolean publish(String destination, Supplier<Object> eventOf) {
    try {
      thread.execute(
          () -> {
            Object event = eventOf.get();
            try {
              send(destination, event);
            } catch (RuntimeException e) {
              failed.incrementAndGet();
              log.warn(
                  "{}: could not publish {} to {}: {}", name, event, destination, e.toString());
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      long n = dropped.incrementAndGet();
      if (Long.bitCount(n) == 1) { // the 1st, 2nd, 4th, 8th... drop: no log flood
        log.warn("{}: publisher full or shut down, {} events dropped so far", name, n);
      }
      return false;
    }
  }

  private void send(String destination, Object event) {
    String exchange = prefix + destination;
    if (declared.add(exchange)) {
      try {
        admin.declareExchange(new TopicExchange(exchange, true, false));
      } catch (RuntimeException e) {
        declared.remove(exchange);
        throw e;
      }
    }
    MessageProperties properties = new MessageProperties();
    properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
    properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
    template.send(exchange, destination, new Message(json.writeValueAsBytes(event), properties));
  }

  /** Events dropped because the queue was full (or after shutdown). */
  public long dropped() {
    return dropped.get();
  }

  /** Events the broker did not take. */
  public long failed() {
    return failed.get();
  }

  /** Lets waiting events leave for at most {@code wait}, then stops the thread. */
  public void shutdown(Duration wait) {
    thread.shutdown();
    try {
      thread.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.shutdownNow();
  }
}
