package com.parley.im.relation.notice;

import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.events.DeliveryBatch.Delivery;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stands in for the routed {@link DeliveryPublisher} in relation-service's test context (found by
 * component scan, so the one shared context has it): records every delivery.
 */
@Component
@Primary
class RecordingDeliveryPublisher implements DeliveryPublisher {

  private final ConcurrentLinkedQueue<Delivery> delivered = new ConcurrentLinkedQueue<>();
  private final JsonMapper json;

  RecordingDeliveryPublisher(JsonMapper json) {
    this.json = json;
  }

  @Override
  public Mono<Void> deliver(List<Delivery> deliveries) {
    return Mono.fromRunnable(() -> delivered.addAll(deliveries));
  }

  /** The frames delivered to {@code userId} so far, parsed, in order. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> framesFor(String userId) {
    return delivered.stream()
        .filter(d -> d.userId().equals(userId))
        .map(d -> (Map<String, Object>) json.readValue(d.frame(), Map.class))
        .toList();
  }
}
