package com.parley.im.relation.notice;

import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendRequestSent;
import com.parley.im.events.FriendshipRemoved;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Consumers of relation-service's own events (group {@code relation-notices}) that push the
 * realtime notices. Imperative, like every consumer here: binder retries, then the dead-letter
 * queue; they block a listener thread of the binder, never an event loop.
 */
@Configuration(proxyBeanMethods = false)
class NoticeConsumers {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Bean
  Consumer<FriendRequestSent> noticeFriendRequest(RelationNotices notices) {
    return event -> notices.apply(event).block(TIMEOUT);
  }

  @Bean
  Consumer<FriendRequestAccepted> noticeFriendAccepted(RelationNotices notices) {
    return event -> notices.apply(event).block(TIMEOUT);
  }

  @Bean
  Consumer<FriendshipRemoved> noticeFriendRemoved(RelationNotices notices) {
    return event -> notices.apply(event).block(TIMEOUT);
  }
}
