package com.parley.im.defaults.outbox;

import org.springframework.beans.factory.ObjectProvider;
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
 * {@link OutboxPublisher} bean; otherwise the StreamBridge one with confirms is used. Every {@link
 * OutboxRelayListener} bean sees each batch before it is published.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OutboxProperties.class)
class OutboxConfiguration {

  @Bean
  Outbox outbox(DatabaseClient db, JsonMapper json) {
    return new Outbox(db, json);
  }

  @Bean
  OutboxRelay outboxRelay(
      DatabaseClient db,
      ReactiveTransactionManager transactions,
      Outbox outbox,
      ObjectProvider<OutboxPublisher> publishers,
      ObjectProvider<OutboxRelayListener> listeners,
      StreamBridge streamBridge,
      OutboxProperties properties) {
    OutboxPublisher publisher =
        publishers.getIfAvailable(
            () -> new StreamBridgeOutboxPublisher(streamBridge, properties.confirmTimeout()));
    return new OutboxRelay(
        db,
        TransactionalOperator.create(transactions),
        outbox,
        publisher,
        properties,
        () -> listeners.orderedStream().toList());
  }
}
