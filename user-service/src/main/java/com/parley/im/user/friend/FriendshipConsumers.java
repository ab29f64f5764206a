package com.parley.im.user.friend;

import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Consumers of relation-service's friendship events (group {@code user-service}). Imperative on
 * purpose: the binder retries a failed message ({@code max-attempts}) and then dead-letters it
 * ({@code auto-bind-dlq}); reactive consumers would get neither. They block a listener thread of
 * the binder (never an event loop) until the database has the effect. A block that ends a
 * friendship arrives as {@code FriendshipRemoved} (reason {@code blocked}), so blocks need no
 * consumer here.
 */
@Configuration(proxyBeanMethods = false)
class FriendshipConsumers {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Bean
  Consumer<FriendRequestAccepted> recordFriendship(FriendshipService friendships) {
    return event -> friendships.apply(event).block(TIMEOUT);
  }

  @Bean
  Consumer<FriendshipRemoved> forgetFriendship(FriendshipService friendships) {
    return event -> friendships.apply(event).block(TIMEOUT);
  }
}
