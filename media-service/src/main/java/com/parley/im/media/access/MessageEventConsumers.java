package com.parley.im.media.access;

import com.parley.im.events.ConversationChanged;
import com.parley.im.events.MessageStored;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Consumers of message-service's events (group {@code media-service}). Imperative on purpose: the
 * binder retries a failed message and then dead-letters it; they block a listener thread of the
 * binder (never an event loop) until the database has the effect.
 */
@Configuration(proxyBeanMethods = false)
class MessageEventConsumers {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Bean
  Consumer<List<MessageStored>> grantMediaToConversation(ConversationProjection projection) {
    // In batches (application.yml): every message of the system passes here, few carry media.
    return events -> projection.apply(events).block(TIMEOUT);
  }

  @Bean
  Consumer<ConversationChanged> trackMembers(ConversationProjection projection) {
    return event -> projection.apply(event).block(TIMEOUT);
  }
}
