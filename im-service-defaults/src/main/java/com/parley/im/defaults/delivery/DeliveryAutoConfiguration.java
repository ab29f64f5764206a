package com.parley.im.defaults.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gives every service with reactive Redis and RabbitMQ a {@link DeliveryPublisher} (ADR 0005).
 *
 * <p>{@code im.delivery.presence-key-prefix} ({@code presence:} by default) is presence-service's
 * Redis key prefix; the exchange takes Spring Cloud Stream's producer prefix, like the bindings.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
      "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
      "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration"
    })
@ConditionalOnClass(
    name = {
      "org.springframework.data.redis.core.ReactiveStringRedisTemplate",
      "org.springframework.amqp.rabbit.core.RabbitTemplate"
    })
public class DeliveryAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(DeliveryPublisher.class)
  @ConditionalOnBean({ReactiveStringRedisTemplate.class, ConnectionFactory.class})
  RoutedDeliveryPublisher routedDeliveryPublisher(
      ReactiveStringRedisTemplate redis,
      ConnectionFactory rabbit,
      ObjectProvider<JsonMapper> json,
      ObjectProvider<MeterRegistry> meters,
      @Value("${im.delivery.presence-key-prefix:presence:}") String presenceKeyPrefix,
      @Value("${spring.cloud.stream.rabbit.default.producer.prefix:}") String brokerPrefix,
      @Value("${im.delivery.parking-limit:100000}") int parkingLimit,
      @Value("${im.delivery.park-timeout:30s}") String parkTimeout) {
    return new RoutedDeliveryPublisher(
        redis,
        rabbit,
        json.getIfAvailable(JsonMapper::new),
        presenceKeyPrefix,
        brokerPrefix,
        meters.getIfAvailable(SimpleMeterRegistry::new),
        parkingLimit,
        DurationStyle.detectAndParse(parkTimeout));
  }
}
