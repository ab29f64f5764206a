package com.parley.im.defaults.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import com.parley.im.events.DeliveryBatch.Delivery;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * Any service with reactive Redis and RabbitMQ gets the routed publisher, unless it has its own.
 */
class DeliveryAutoConfigurationTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(DeliveryAutoConfiguration.class));

  @Test
  void aServiceWithRedisAndRabbitGetsTheRoutedPublisher() {
    runner
        .withBean(ReactiveStringRedisTemplate.class, () -> mock(ReactiveStringRedisTemplate.class))
        .withBean(ConnectionFactory.class, () -> mock(ConnectionFactory.class))
        .run(
            context ->
                assertThat(context)
                    .getBean(DeliveryPublisher.class)
                    .isInstanceOf(RoutedDeliveryPublisher.class));
  }

  @Test
  void withoutRedisOrRabbitThereIsNone() {
    runner
        .withBean(ConnectionFactory.class, () -> mock(ConnectionFactory.class))
        .run(context -> assertThat(context).doesNotHaveBean(DeliveryPublisher.class));
    runner
        .withBean(ReactiveStringRedisTemplate.class, () -> mock(ReactiveStringRedisTemplate.class))
        .run(context -> assertThat(context).doesNotHaveBean(DeliveryPublisher.class));
  }

  @Test
  void aServicesOwnPublisherWins() {
    DeliveryPublisher own = (List<Delivery> deliveries) -> Mono.empty();
    runner
        .withBean(ReactiveStringRedisTemplate.class, () -> mock(ReactiveStringRedisTemplate.class))
        .withBean(ConnectionFactory.class, () -> mock(ConnectionFactory.class))
        .withBean(DeliveryPublisher.class, () -> own)
        .run(context -> assertThat(context).getBean(DeliveryPublisher.class).isSameAs(own));
  }
}
