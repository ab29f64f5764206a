package com.parley.im.media.access;

import com.parley.im.events.ConversationChanged;
import com.parley.im.events.Destinations;
import com.parley.im.events.MessageStored;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Consumers of message-service's events (group {@code media-service}). Imperative on purpose: the
 * binder retries a failed message and then dead-letters it; they block a listener thread of the
 * binder (never an event loop) until the database has the effect.
 *
 * <p>{@code message-stored} arrives only for messages that carry a {@code mediaId}: the queue is
 * bound with the routing key {@value MessageStored#MEDIA_ROUTING_KEY} (application.yml, ADR 0032).
 * A queue declared by an earlier version is also bound with {@code #} (every stored message); that
 * binding is removed at start-up, after the binder bound the new key.
 */
@Configuration(proxyBeanMethods = false)
class MessageEventConsumers {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(MessageEventConsumers.class);

  @Bean
  Consumer<List<MessageStored>> grantMediaToConversation(ConversationProjection projection) {
    // In batches (application.yml): few messages carry media, and only those are routed here.
    return events -> projection.apply(events).block(TIMEOUT);
  }

  /** Removes the catch-all binding of an earlier version's queue (idempotent; ADR 0032). */
  @Bean
  ApplicationListener<ApplicationReadyEvent> dropCatchAllMessageStoredBinding(
      ObjectProvider<ConnectionFactory> rabbit,
      @Value("${spring.cloud.stream.rabbit.default.consumer.prefix:}") String prefix,
      @Value("${spring.cloud.stream.bindings.grantMediaToConversation-in-0.group}") String group) {
    return ready -> {
      ConnectionFactory connections = rabbit.getIfAvailable();
      if (connections == null) {
        return;
      }
      String exchange = prefix + Destinations.MESSAGE_STORED;
      String queue = exchange + "." + group;
      try {
        new RabbitAdmin(connections)
            .removeBinding(new Binding(queue, Binding.DestinationType.QUEUE, exchange, "#", null));
      } catch (RuntimeException e) {
        log.warn("Could not remove the binding {} -> {} (#): {}", exchange, queue, e.toString());
      }
    };
  }

  @Bean
  Consumer<ConversationChanged> trackMembers(ConversationProjection projection) {
    return event -> projection.apply(event).block(TIMEOUT);
  }
}
