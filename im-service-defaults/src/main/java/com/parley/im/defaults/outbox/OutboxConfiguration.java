package com.parley.im.defaults.outbox;

import com.parley.im.defaults.tracing.MessageTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Beans of the outbox, imported by {@link EnableOutbox}. A service (or a test) may declare its own
 * {@link OutboxPublisher} bean; otherwise {@link RabbitOutboxPublisher} (batches on one channel,
 * confirms awaited together) is used when a RabbitMQ connection factory exists, else the
 * StreamBridge one (a confirm per message). Every {@link OutboxRelayListener} bean sees each batch
 * before it is published.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OutboxProperties.class)
class OutboxConfiguration {

  @Bean
  Outbox outbox(DatabaseClient db, JsonMapper json, ObjectProvider<MessageTracing> tracing) {
    return new Outbox(db, json, tracing.getIfAvailable(() -> MessageTracing.NOOP));
  }

  @Bean
  OutboxRelay outboxRelay(
      DatabaseClient db,
      ReactiveTransactionManager transactions,
      Outbox outbox,
      ObjectProvider<OutboxPublisher> publishers,
      ObjectProvider<OutboxRelayListener> listeners,
      StreamBridge streamBridge,
      ObjectProvider<ConnectionFactory> rabbit,
      @Value("${spring.cloud.stream.rabbit.default.producer.prefix:}") String brokerPrefix,
      OutboxProperties properties,
      ObjectProvider<MessageTracing> tracing) {
    OutboxPublisher publisher =
        publishers.getIfAvailable(
            () -> {
              ConnectionFactory connectionFactory = rabbit.getIfAvailable();
              return connectionFactory != null
                  ? new RabbitOutboxPublisher(
                      connectionFactory, brokerPrefix, properties.confirmTimeout())
                  : new StreamBridgeOutboxPublisher(streamBridge, properties.confirmTimeout());
            });
    return new OutboxRelay(
        db,
        TransactionalOperator.create(transactions),
        outbox,
        publisher,
        properties,
        () -> listeners.orderedStream().toList(),
        tracing.getIfAvailable(() -> MessageTracing.NOOP));
  }

  /** Backlog, lag and listener failures as meters (none when the service has no registry). */
  @Bean
  OutboxMetrics outboxMetrics(
      DatabaseClient db, OutboxRelay relay, ObjectProvider<MeterRegistry> meters) {
    return new OutboxMetrics(
        db, relay, meters.getIfAvailable(SimpleMeterRegistry::new), Duration.ofSeconds(5));
  }
}
