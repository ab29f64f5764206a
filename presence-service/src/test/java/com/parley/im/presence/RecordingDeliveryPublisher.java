package com.parley.im.presence;

import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.defaults.delivery.RoutedDeliveryPublisher;
import com.parley.im.events.DeliveryBatch.Delivery;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The test context's {@link DeliveryPublisher}: records every delivery (so a test sees which user
 * was sent which frame, whether online or not) and hands it on to a real {@link
 * RoutedDeliveryPublisher} built from the service's own settings ({@code
 * im.delivery.presence-key-prefix}), so the batches really reach the gateways' exchange.
 */
@Primary
public class RecordingDeliveryPublisher implements DeliveryPublisher, DisposableBean {

  private final ConcurrentLinkedQueue<Delivery> delivered = new ConcurrentLinkedQueue<>();
  private final JsonMapper json;
  private final RoutedDeliveryPublisher routed;

  RecordingDeliveryPublisher(
      JsonMapper json,
      ReactiveStringRedisTemplate redis,
      ConnectionFactory rabbit,
      @Value("${im.delivery.presence-key-prefix}") String presenceKeyPrefix,
      @Value("${spring.cloud.stream.rabbit.default.producer.prefix:}") String brokerPrefix) {
    this.json = json;
    this.routed = new RoutedDeliveryPublisher(redis, rabbit, json, presenceKeyPrefix, brokerPrefix);
  }

  @Override
  public Mono<Void> deliver(List<Delivery> deliveries) {
    return Mono.fromRunnable(() -> delivered.addAll(deliveries)).then(routed.deliver(deliveries));
  }

  /** The frames delivered to {@code userId} so far, parsed, in order. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> framesFor(String userId) {
    return delivered.stream()
        .filter(d -> d.userId().equals(userId))
        .map(d -> (Map<String, Object>) json.readValue(d.frame(), Map.class))
        .toList();
  }

  @Override
  public void destroy() {
    routed.destroy();
  }
}
