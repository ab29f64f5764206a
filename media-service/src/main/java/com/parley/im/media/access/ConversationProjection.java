package com.parley.im.media.access;

import com.parley.im.events.ConversationChanged;
import com.parley.im.events.MessageStored;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * media-service's copy of what decides who may read an item besides its uploader: in which
 * conversations a message carrying it was sent ({@code media_conversation}, from {@code
 * MessageStored.mediaId}) and who the members of those conversations are ({@code
 * conversation_member}, from {@code ConversationChanged.memberIds}).
 *
 * <p>Promises: applying an event twice changes nothing; per conversation only the newest member
 * list counts (by {@code occurredAt}), so a late older event cannot bring back a removed member.
 * Cannot promise: to be current; until an event arrives, the previous members keep (or still lack)
 * access. Conversations whose events were published before media-service first subscribed are
 * unknown to it (ADR 0012).
 */
@Service
class ConversationProjection {

  private static final Logger log = LoggerFactory.getLogger(ConversationProjection.class);

  private final DatabaseClient db;
  private final TransactionalOperator tx;

  ConversationProjection(DatabaseClient db, ReactiveTransactionManager transactions) {
    this.db = db;
    this.tx = TransactionalOperator.create(transactions);
  }

  /**
   * A batch of stored messages, in their order: most carry no media (text) and cost nothing here;
   * the others are granted one after the other.
   */
  Mono<Void> apply(List<MessageStored> events) {
    return Flux.fromIterable(events)
        .filter(event -> event.mediaId() != null && event.conversationId() != null)
        .concatMap(this::apply)
        .then();
  }

  Mono<Void> apply(MessageStored event) {
    if (event.mediaId() == null || event.conversationId() == null) {
      return Mono.empty();
    }
    return db.sql(
            "insert into media_conversation (media_id, conversation_id) values (:m, :c)"
                + " on conflict do nothing")
        .bind("m", event.mediaId())
        .bind("c", event.conversationId())
        .then();
  }

  Mono<Void> apply(ConversationChanged event) {
    List<String> members = event.memberIds();
    if (event.conversationId() == null || event.occurredAt() == null || members == null) {
      log.warn(
          "Ignoring conversation event {} without conversation, time or members", event.eventId());
      return Mono.empty();
    }
    Mono<Void> replace =
        db.sql(
                "insert into conversation (conversation_id, changed_at) values (:c, :at)"
                    + " on conflict (conversation_id) do update set changed_at = excluded.changed_at"
                    + " where conversation.changed_at <= excluded.changed_at returning 1")
            .bind("c", event.conversationId())
            .bind("at", event.occurredAt().atOffset(java.time.ZoneOffset.UTC))
            .map(row -> 1)
            .one()
            .flatMap(
                newest ->
                    db.sql("delete from conversation_member where conversation_id = :c")
                        .bind("c", event.conversationId())
                        .then()
                        .then(
                            db.sql(
                                    "insert into conversation_member (conversation_id, user_id)"
                                        + " select :c, u from unnest(:us::text[]) as u"
                                        + " on conflict do nothing")
                                .bind("c", event.conversationId())
                                .bind("us", members.toArray(String[]::new))
                                .then()));
    return tx.transactional(replace);
  }
}
