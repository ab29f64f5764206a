package com.parley.im.gateway.broker;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Makes the gateway's {@link BrokerPublisher}s (one thread each) from the shared broker beans. */
@Component
public class BrokerPublishers {

  private final RabbitTemplate template;
  private final AmqpAdmin admin;
  private final JsonMapper json;
  private final String prefix;

  BrokerPublishers(
      RabbitTemplate template,
      AmqpAdmin admin,
      JsonMapper json,
      @Value("${spring.cloud.stream.rabbit.default.producer.prefix:}") String prefix) {
    this.template = template;
    this.admin = admin;
    this.json = json;
    this.prefix = prefix;
  }

  /** A publisher with its own thread and at most {@code maxPending} waiting events. */
  public BrokerPublisher create(String name, int maxPending) {
    return new BrokerPublisher(template, admin, json, prefix, name, maxPending);
  }
}
