package com.parley.im.message.inbox;

import com.parley.im.events.ConversationMuteChanged;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The conversation list's {@code muted} (issue 9): unread-service owns mutes and announces each
 * change ({@code conversation-mute-changed}); message-service keeps the flag on the member's row,
 * with no call between the two. The event's {@code version} only grows per user and conversation,
 * so a late or repeated event changes nothing; a change moves the row's {@code change_xid}, so the
 * next {@code GET /api/conversations?since=} carries it to every device.
 */
@Configuration(proxyBeanMethods = false)
class MuteProjection {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Bean
  Consumer<ConversationMuteChanged> rememberMute(DatabaseClient db) {
    return event -> apply(db, event).block(TIMEOUT);
  }

  static Mono<Long> apply(DatabaseClient db, ConversationMuteChanged event) {
    return db.sql(
            "update member set muted = :muted, mute_version = :version,"
                + " change_xid = pg_current_xact_id()"
                + " where conversation_id = :c and user_id = :u and mute_version < :version")
        .bind("muted", event.muted())
        .bind("version", event.version())
        .bind("c", event.conversationId())
        .bind("u", event.userId())
        .fetch()
        .rowsUpdated();
  }
}
