package com.parley.im.presence.friend;

import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Consumers of relation-service's friendship events (group {@code presence-service}). Imperative on
 * purpose: the binder retries a failed message and then dead-letters it; they block a listener
 * thread of the binder (never an event loop) until the database has the effect. A block that ends a
 * friendship arrives as {@code FriendshipRemoved} (reason {@code blocked}).
 */
@Configuration(proxyBeanMethods = false)
class FriendshipConsumers {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Bean
  Consumer<FriendRequestAccepted> recordFriendship(Friends friends) {
    return event -> friends.apply(event).block(TIMEOUT);
  }

  @Bean
  Consumer<FriendshipRemoved> forgetFriendship(Friends friends) {
    return event -> friends.apply(event).block(TIMEOUT);
  }
}
