package com.parley.im.relation.user;

import com.parley.im.events.UserRegistered;
import com.parley.im.events.UserUpdated;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Consumers of user-service's account events (group {@code relation-service}). Imperative on
 * purpose: the binder retries a failed message ({@code max-attempts}) and then dead-letters it
 * ({@code auto-bind-dlq}); reactive consumers would get neither. They block a listener thread of
 * the binder (never an event loop) until the database has the effect.
 */
@Configuration(proxyBeanMethods = false)
class KnownUserConsumers {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Bean
  Consumer<UserRegistered> rememberRegisteredUser(KnownUserService users) {
    return event -> users.apply(event).block(TIMEOUT);
  }

  @Bean
  Consumer<UserUpdated> rememberUpdatedUser(KnownUserService users) {
    return event -> users.apply(event).block(TIMEOUT);
  }
}
