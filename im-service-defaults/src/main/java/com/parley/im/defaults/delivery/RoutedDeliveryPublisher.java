package com.parley.im.defaults.delivery;

import com.parley.im.events.DeliveryBatch;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.events.Destinations;
import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import reactor.core.Disposable;
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
 * <p>Redis loss (ADR 0008): while presence's routing table is incomplete (its marker {@code
 * {prefix}table} is gone, or the rebuild window {@code {prefix}table-rebuilding} is open) a
 * delivery is not given up when its user has no route: it is published to the instances routed so
 * far and kept in a bounded parking (on the publishing thread), which reads the routes again every
 * 100 ms and publishes to each instance that appears, until the table is complete again (then a
 * user still without a route is offline) or 30 s have passed. Meters: {@code
 * im.delivery.parked.deliveries{outcome=parked|recovered|unrouted|expired|overflowed}} and the
 * gauge {@code im.delivery.parking}. Cannot promise: a parked delivery outlives a crash of this
 * process (the client's catch-up repairs it).
 *
 * <p>Non-blocking for the caller: the Redis reads are reactive; the AMQP publish (which blocks on
 * the channel) runs on the publisher's own thread.
 */
public class RoutedDeliveryPublisher implements DeliveryPublisher, DisposableBean {

  /** The header naming the target instance (also the routing key). */
  public static final String INSTANCE_ID_HEADER = "instanceId";

  private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration RETRY_INTERVAL = Duration.ofMillis(100);
  static final int DEFAULT_PARKING_LIMIT = 100_000;
  static final Duration DEFAULT_PARK_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(RoutedDeliveryPublisher.class);

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
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "im-delivery-publisher");
            thread.setDaemon(true);
            return thread;
          });
  private final Scheduler publishing = Schedulers.fromExecutorService(executor);
  // The parking of ADR 0008, touched by the publishing thread only.
  private final ArrayDeque<Parked> parked = new ArrayDeque<>();
  private final AtomicInteger parkedCount = new AtomicInteger();
  private final int parkingLimit;
  private final long parkTimeoutNanos;
  private final String tableKey;
  private final String rebuildingKey;
  private final Counter parkedTotal;
  private final Counter recovered;
  private final Counter unrouted;
  private final Counter expired;
  private final Counter overflowed;
  private volatile boolean passRunning;
  private final Disposable retries;
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
    this(
        redis,
        connectionFactory,
        json,
        presenceKeyPrefix,
        brokerPrefix,
        new SimpleMeterRegistry(),
        DEFAULT_PARKING_LIMIT,
        DEFAULT_PARK_TIMEOUT);
  }

  /**
   * @param parkingLimit most deliveries kept while the routing table is incomplete (beyond, the
   *     oldest is given up and counted)
   * @param parkTimeout longest a delivery is kept when the table does not become complete
   */
  public RoutedDeliveryPublisher(
      ReactiveStringRedisTemplate redis,
      ConnectionFactory connectionFactory,
      JsonMapper json,
      String presenceKeyPrefix,
      String brokerPrefix,
      MeterRegistry meters,
      int parkingLimit,
      Duration parkTimeout) {
    this.redis = redis;
    this.connectionFactory = connectionFactory;
    this.admin = new RabbitAdmin(connectionFactory);
    this.json = json;
    this.routePrefix = presenceKeyPrefix + "route:";
    this.tableKey = presenceKeyPrefix + "table";
    this.rebuildingKey = presenceKeyPrefix + "table-rebuilding";
    this.exchange = brokerPrefix + Destinations.GATEWAY_DELIVERIES;
    this.parkingLimit = parkingLimit;
    this.parkTimeoutNanos = parkTimeout.toNanos();
    this.parkedTotal = counter(meters, "parked", "Kept because the routing table was incomplete");
    this.recovered =
        counter(meters, "recovered", "Parked deliveries published once their route was back");
    this.unrouted =
        counter(meters, "unrouted", "Parked deliveries whose user had no socket once complete");
    this.expired =
        counter(meters, "expired", "Parked deliveries given up: the table stayed incomplete");
    this.overflowed =
        counter(meters, "overflowed", "Parked deliveries given up: the parking was full");
    Gauge.builder("im.delivery.parking", parkedCount, AtomicInteger::get)
        .description("Deliveries waiting for the routing table to be rebuilt")
        .register(meters);
    this.retries =
        publishing.schedulePeriodically(
            this::retryParked,
            RETRY_INTERVAL.toMillis(),
            RETRY_INTERVAL.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private static Counter counter(MeterRegistry meters, String outcome, String description) {
    return Counter.builder("im.delivery.parked.deliveries")
        .description(description)
        .tag("outcome", outcome)
        .register(meters);
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
    return Mono.zip(routesOf(users), tableComplete())
        .flatMap(
            read ->
                Mono.<Void>fromRunnable(() -> handle(deliveries, read.getT1(), read.getT2()))
                    .subscribeOn(publishing));
  }

  /** The routes of these users; the map only needs all of them, so they are read concurrently. */
  private Mono<Map<String, Map<String, Set<String>>>> routesOf(Collection<String> users) {
    return Flux.fromIterable(users)
        .flatMapSequential(user -> routesOf(user).map(routes -> Map.entry(user, routes)))
        .collectMap(Map.Entry::getKey, Map.Entry::getValue);
  }

  /**
   * Whether presence's routing table is complete: its marker is there and no rebuild window is open
   * (ADR 0008). Redis loses the marker with the routes, so a flushed table reads incomplete until
   * presence has noticed and the gateways have reported their sockets again.
   */
  private Mono<Boolean> tableComplete() {
    return redis
        .opsForValue()
        .multiGet(List.of(tableKey, rebuildingKey))
        .timeout(REDIS_TIMEOUT)
        .map(values -> values.get(0) != null && values.get(1) == null)
        .defaultIfEmpty(false);
  }

  /**
   * On the publishing thread: while the table is complete and nothing waits, the batches leave as
   * routed. Otherwise every delivery joins the parking behind those that wait already (so a user's
   * frames keep their order), and the parking is routed with what the routes say now.
   */
  private void handle(
      List<Delivery> deliveries, Map<String, Map<String, Set<String>>> routes, boolean complete) {
    if (complete && parked.isEmpty()) {
      batches(deliveries, routes).forEach(this::publish);
      return;
    }
    long now = System.nanoTime();
    for (Delivery delivery : deliveries) {
      park(new Parked(delivery, now));
    }
    routeParked(routes, complete, now);
  }

  private void park(Parked entry) {
    if (parked.size() >= parkingLimit) {
      parked.pollFirst();
      overflowed.increment();
    }
    parked.addLast(entry);
    parkedTotal.increment();
    parkedCount.set(parked.size());
  }

  /**
   * Publishes each parked delivery to the instances that now hold a target socket and have not had
   * it yet, in parking order (per instance, a user's frames keep their order). An entry leaves the
   * parking once the table is complete and its user's routes were read (routed, or counted
   * unrouted: the user is offline), or when it has waited longer than the park timeout.
   */
  private void routeParked(
      Map<String, Map<String, Set<String>>> routes, boolean complete, long now) {
    Map<String, List<Parked>> byInstance = new LinkedHashMap<>();
    Iterator<Parked> it = parked.iterator();
    while (it.hasNext()) {
      Parked entry = it.next();
      Map<String, Set<String>> devices = routes.get(entry.delivery().userId());
      if (devices != null) {
        for (String instance : instancesFor(entry.delivery(), devices)) {
          if (!entry.served().contains(instance)) {
            byInstance.computeIfAbsent(instance, i -> new ArrayList<>()).add(entry);
          }
        }
      }
    }
    byInstance.forEach(
        (instance, entries) -> {
          List<Delivery> frames = new ArrayList<>(entries.size());
          entries.forEach(entry -> frames.add(entry.delivery()));
          try {
            publish(new DeliveryBatch(instance, frames));
          } catch (RuntimeException e) {
            log.debug("Parked deliveries to {} not published yet: {}", instance, e.toString());
            return; // stay unserved for this instance: the next pass tries again
          }
          for (Parked entry : entries) {
            entry.served().add(instance);
            if (entry.tried()) {
              recovered.increment();
            }
          }
        });
    it = parked.iterator();
    while (it.hasNext()) {
      Parked entry = it.next();
      entry.markTried();
      boolean read = routes.containsKey(entry.delivery().userId());
      if (complete && read) {
        it.remove();
        if (entry.served().isEmpty()) {
          unrouted.increment();
        }
      } else if (now - entry.parkedAt() > parkTimeoutNanos) {
        it.remove();
        if (entry.served().isEmpty()) {
          expired.increment();
        }
      }
    }
    parkedCount.set(parked.size());
  }

  /**
   * Every {@link #RETRY_INTERVAL} on the publishing thread: reads the parked users' routes again.
   */
  private void retryParked() {
    if (parked.isEmpty() || passRunning) {
      return;
    }
    passRunning = true;
    Set<String> users = new LinkedHashSet<>();
    for (Parked entry : parked) {
      users.add(entry.delivery().userId());
    }
    Mono.defer(() -> Mono.zip(routesOf(users), tableComplete()))
        .publishOn(publishing)
        .doOnNext(read -> routeParked(read.getT1(), read.getT2(), System.nanoTime()))
        .onErrorResume(
            e -> {
              // Redis unreachable (or closing at shutdown): only the timeouts move on.
              log.debug("Retrying parked deliveries failed: {}", e.toString());
              return Mono.fromRunnable(() -> routeParked(Map.of(), false, System.nanoTime()))
                  .subscribeOn(publishing)
                  .onErrorResume(RejectedExecutionException.class, closed -> Mono.empty())
                  .then(Mono.empty());
            })
        .doFinally(signal -> passRunning = false)
        .subscribe();
  }

  /** Deliveries waiting in the parking (for tests and the gauge). */
  public int parked() {
    return parkedCount.get();
  }

  /** A delivery kept while the table is incomplete, with the instances that already had it. */
  private static final class Parked {
    private final Delivery delivery;
    private final long parkedAt;
    private final Set<String> served = new HashSet<>(2);
    private boolean tried;

    Parked(Delivery delivery, long parkedAt) {
      this.delivery = delivery;
      this.parkedAt = parkedAt;
    }

    Delivery delivery() {
      return delivery;
    }

    long parkedAt() {
      return parkedAt;
    }

    Set<String> served() {
      return served;
    }

    boolean tried() {
      return tried;
    }

    void markTried() {
      tried = true;
    }
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
      for (String instance : instancesFor(delivery, devices)) {
        byInstance.computeIfAbsent(instance, i -> new ArrayList<>()).add(delivery);
      }
    }
    List<DeliveryBatch> batches = new ArrayList<>(byInstance.size());
    byInstance.forEach((instance, frames) -> batches.add(new DeliveryBatch(instance, frames)));
    return batches;
  }

  /** The instances holding a target socket of the delivery ({@code deviceId -> instances}). */
  private static Set<String> instancesFor(Delivery delivery, Map<String, Set<String>> devices) {
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
    return instances;
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
    retries.dispose();
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
