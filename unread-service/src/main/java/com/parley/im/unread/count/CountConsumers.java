package com.parley.im.unread.count;

import com.parley.im.defaults.outbox.EnableOutbox;
import com.parley.im.events.ConversationChanged;
import com.parley.im.events.MessageStored;
import com.parley.im.events.ReadPositionMoved;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The consumers of message-service's events (group {@code unread-service}), in batches: the binder
 * hands over up to {@code batch-size} events at once, or fewer when none comes within {@code
 * receive-timeout} (application.yml), and each batch is one statement and one Redis round trip
 * ({@link UnreadCounts}). Imperative, so that the binder retries a failed batch and then
 * dead-letters it; they block a listener thread of the binder, never an event loop. No {@code
 * processed_event} check: every effect is a maximum, so a redelivered event changes nothing.
 */
@Configuration(proxyBeanMethods = false)
@EnableOutbox
@EnableConfigurationProperties(UnreadProperties.class)
class CountConsumers {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Bean
  Consumer<List<MessageStored>> countMessages(UnreadCounts counts) {
    return events -> counts.messagesStored(events).block(TIMEOUT);
  }

  @Bean
  Consumer<List<ReadPositionMoved>> countReads(UnreadCounts counts) {
    return events -> counts.readPositionsMoved(events).block(TIMEOUT);
  }

  @Bean
  Consumer<List<ConversationChanged>> followMembers(UnreadCounts counts) {
    return events -> counts.conversationsChanged(events).block(TIMEOUT);
  }
}
