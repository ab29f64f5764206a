package com.parley.im.defaults.delivery;

import com.parley.im.events.DeliveryBatch;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.events.Destinations;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link DeliveryPublisher} of ADR 0005: reads presence's route hashes ({@code
 * {prefix}route:{userId}}, field {@code {deviceId}/{socketId}}, value the instance id), groups the
 * frames by instance and publishes one transient {@link DeliveryBatch} per instance to the direct
 * exchange {@value Destinations#GATEWAY_DELIVERIES} with the instance id as routing key.
 *
 * <p>Each delivery travels unchanged (its {@code exceptDeviceId}, {@code conversationId} and {@code
 * seq} included) to every instance that holds one of its target devices: a delivery to all of a
 * user's devices but {@code exceptDeviceId} skips the instances that hold only that device, and the
 * gateway that also holds another device of the user skips the excepted one itself.
 *
 * <p>Order: every publish runs on one thread of this publisher, on one AMQP channel of its own (the
 * broker keeps order per channel only), and the batches of one call each carry their frames in call
 * order; so one device's frames keep their order from call to socket when the caller issues its
 * calls one after the other (each after the previous one completed). Calls made concurrently are
 * not ordered among themselves. Cannot promise delivery: no confirms, non-persistent messages, and
 * a route read just before its socket closed sends a frame that the gateway drops (clients catch up
 * by seq).
 *
 * <p>Non-blocking for the caller: the Redis reads are reactive; the AMQP publish (which blocks on
 * the channel) runs on the publisher's own thread.
 */
public class RoutedDeliveryPublisher implements DeliveryPublisher, DisposableBean {

  /** The header naming the target instance (also the routing key). */
  public static final String INSTANCE_ID_HEADER = "instanceId";

  private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);

  private final ReactiveStringRedisTemplate redis;
  private final ConnectionFactory connectionFactory;
  private final MessagePropertiesConverter propertiesConverter =
      new DefaultMessagePropertiesConverter();
  private final RabbitAdmin admin;
  private final JsonMapper json;
  private final String routePrefix;
  private final String exchange;
  // One thread that may block (Reactor's own single scheduler counts as non-blocking), so that
  // publishes leave in the order the calls reached it.
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "im-delivery-publisher");
            thread.setDaemon(true);
            return thread;
          });
  private final Scheduler publishing = Schedulers.fromExecutorService(executor);
  private volatile boolean exchangeDeclared;
  private volatile Channel channel; // used by the publishing thread only

  /**
   * @param presenceKeyPrefix presence's Redis key prefix ({@code presence:} by default)
   * @param brokerPrefix the prefix Spring Cloud Stream puts before exchange names ({@code
   *     spring.cloud.stream.rabbit.default.producer.prefix}), so the exchange is the one the
   *     gateways' bindings declare
   */
  public RoutedDeliveryPublisher(
      ReactiveStringRedisTemplate redis,
      ConnectionFactory connectionFactory,
      JsonMapper json,
      String presenceKeyPrefix,
      String brokerPrefix) {
    this.redis = redis;
    this.connectionFactory = connectionFactory;
    this.admin = new RabbitAdmin(connectionFactory);
    this.json = json;
    this.routePrefix = presenceKeyPrefix + "route:";
    this.exchange = brokerPrefix + Destinations.GATEWAY_DELIVERIES;
  }

  @Override
  public Mono<Void> deliver(List<Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      return Mono.empty();
    }
    Set<String> users = new LinkedHashSet<>();
    for (Delivery delivery : deliveries) {
      users.add(delivery.userId());
    }
    // flatMapSequential: the routes are read concurrently; the map only needs all of them.
    return Flux.fromIterable(users)
        .flatMapSequential(user -> routesOf(user).map(routes -> Map.entry(user, routes)))
        .collectMap(Map.Entry::getKey, Map.Entry::getValue)
        .map(routes -> batches(deliveries, routes))
        .flatMap(
            batches ->
                batches.isEmpty()
                    ? Mono.<Void>empty()
                    : Mono.<Void>fromRunnable(() -> batches.forEach(this::publish))
                        .subscribeOn(publishing));
  }

  /** The user's sockets as {@code deviceId -> instance ids}, empty when offline. */
  private Mono<Map<String, Set<String>>> routesOf(String userId) {
    return redis
        .<String, String>opsForHash()
        .entries(routePrefix + userId)
        .collectList()
        .timeout(REDIS_TIMEOUT)
        .map(
            fields -> {
              Map<String, Set<String>> byDevice = new LinkedHashMap<>();
              for (Map.Entry<String, String> field : fields) {
                String key = field.getKey();
                int slash = key.lastIndexOf('/');
                String deviceId = slash < 0 ? key : key.substring(0, slash);
                byDevice
                    .computeIfAbsent(deviceId, d -> new LinkedHashSet<>())
                    .add(field.getValue());
              }
              return byDevice;
            });
  }

  /** One batch per instance that holds a target socket, frames in call order. */
  static List<DeliveryBatch> batches(
      List<Delivery> deliveries, Map<String, Map<String, Set<String>>> routes) {
    Map<String, List<Delivery>> byInstance = new LinkedHashMap<>();
    for (Delivery delivery : deliveries) {
      Map<String, Set<String>> devices = routes.getOrDefault(delivery.userId(), Map.of());
      Set<String> instances = new LinkedHashSet<>();
      if (delivery.deviceId() == null) {
        // The excepted device's instance gets the frame only when it holds another of the user's
        // devices; the delivery travels unchanged, so that gateway skips the excepted device.
        devices.forEach(
            (deviceId, holders) -> {
              if (!deviceId.equals(delivery.exceptDeviceId())) {
                instances.addAll(holders);
              }
            });
      } else {
        instances.addAll(devices.getOrDefault(delivery.deviceId(), Set.of()));
      }
      for (String instance : instances) {
        byInstance.computeIfAbsent(instance, i -> new ArrayList<>()).add(delivery);
      }
    }
    List<DeliveryBatch> batches = new ArrayList<>(byInstance.size());
    byInstance.forEach((instance, frames) -> batches.add(new DeliveryBatch(instance, frames)));
    return batches;
  }

  private void publish(DeliveryBatch batch) {
    if (!exchangeDeclared) {
      // Same arguments as the gateways' Spring Cloud Stream bindings (durable, not auto-deleted).
      admin.declareExchange(new DirectExchange(exchange, true, false));
      exchangeDeclared = true;
    }
    MessageProperties properties = new MessageProperties();
    properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
    properties.setDeliveryMode(MessageDeliveryMode.NON_PERSISTENT);
    properties.setHeader(INSTANCE_ID_HEADER, batch.instanceId());
    byte[] body = json.writeValueAsBytes(batch);
    try {
      channel()
          .basicPublish(
              exchange,
              batch.instanceId(),
              false,
              propertiesConverter.fromMessageProperties(properties, "UTF-8"),
              body);
    } catch (IOException | RuntimeException e) {
      closeChannel();
      throw new AmqpIOException(
          e instanceof IOException io ? io : new IOException(e.getMessage(), e));
    }
  }

  /**
   * The publishing thread's own channel. RabbitMQ keeps the order of messages only per channel, and
   * a cached channel taken per publish (as RabbitTemplate does) can differ from one publish to the
   * next when other threads use the cache, which let batches overtake each other.
   */
  private Channel channel() {
    Channel current = channel;
    if (current == null || !current.isOpen()) {
      current = connectionFactory.createConnection().createChannel(false);
      channel = current;
    }
    return current;
  }

  private void closeChannel() {
    Channel current = channel;
    channel = null;
    if (current != null && current.isOpen()) {
      try {
        current.close();
      } catch (IOException | TimeoutException | RuntimeException e) {
        // Gone already.
      }
    }
  }

  @Override
  public void destroy() {
    publishing.dispose();
    executor.shutdown();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeChannel();
  }
}
