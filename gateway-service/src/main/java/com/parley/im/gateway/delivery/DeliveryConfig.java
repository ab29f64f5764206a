package com.parley.im.gateway.delivery;

import com.parley.im.events.DeliveryBatch;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Consumes this instance's own queue on the direct exchange {@code gateway-deliveries} (routing key
 * and group: the instance id; non-durable, auto-deleted; concurrency 1; see application.yml).
 * Imperative, so that a failing batch gets the binder's retry.
 */
@Configuration(proxyBeanMethods = false)
class DeliveryConfig {

  @Bean
  Consumer<DeliveryBatch> routeDelivery(DeliveryRouter router) {
    return router::route;
  }
}
