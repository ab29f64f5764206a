package com.parley.im.message.conversation;

import com.parley.im.defaults.outbox.EnableOutbox;
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import com.parley.im.events.UserBlocked;
import com.parley.im.events.UserUnblocked;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Consumers of relation-service's friendship and block events (group {@code message-service}).
 * Imperative on purpose: the binder retries a failed message and then dead-letters it; they block a
 * listener thread of the binder (never an event loop) until the database has the effect. A block
 * that ends a friendship arrives as {@code FriendshipRemoved} (reason {@code blocked}) and {@code
 * UserBlocked}.
 */
@Configuration(proxyBeanMethods = false)
@EnableOutbox
class RelationConsumers {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Bean
  Consumer<FriendRequestAccepted> rememberFriendship(RelationProjections relations) {
    return event -> relations.apply(event).block(TIMEOUT);
  }

  @Bean
  Consumer<FriendshipRemoved> forgetFriendship(RelationProjections relations) {
    return event -> relations.apply(event).block(TIMEOUT);
  }

  @Bean
  Consumer<UserBlocked> rememberBlock(RelationProjections relations) {
    return event -> relations.apply(event).block(TIMEOUT);
  }

  @Bean
  Consumer<UserUnblocked> forgetBlock(RelationProjections relations) {
    return event -> relations.apply(event).block(TIMEOUT);
  }
}
