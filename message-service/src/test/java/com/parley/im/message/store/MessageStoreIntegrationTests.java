package com.parley.im.message.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.MessageStored;
import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

class MessageStoreIntegrationTests extends MessagingIntegrationTestBase {

  @Autowired MessageStore messages;
  @Autowired R2dbcMessageStore store;
  @Autowired ReactiveTransactionManager transactions;

  @Test
  void appendSystemAllocatesSeqsMovesTheActorsReadSeqAndWritesTheOutbox() {
    User owner = user();
    User other = user();
    String group = group(owner, other);
    TransactionalOperator tx = TransactionalOperator.create(transactions);

    StoredMessage first =
        tx.transactional(messages.appendSystem(group, owner.id(), Map.of("event", "created")))
            .block(WAIT);
    StoredMessage second =
        tx.transactional(
                messages.appendSystem(
                    group, owner.id(), Map.of("event", "renamed", "name", "Team")))
            .block(WAIT);

    assertThat(first.seq()).isEqualTo(1);
    assertThat(second.seq()).isEqualTo(2);
    assertThat(second.kind()).isEqualTo("system");
    assertThat(second.senderDeviceId()).isNull();
    assertThat(count("select last_seq from conversation where id = '" + group + "'")).isEqualTo(2);
    assertThat(
            count(
                "select read_seq from member where conversation_id = '"
                    + group
                    + "' and user_id = '"
                    + owner.id()
                    + "'"))
        .isEqualTo(2);
    assertThat(
            count(
                "select read_seq from member where conversation_id = '"
                    + group
                    + "' and user_id = '"
                    + other.id()
                    + "'"))
        .isZero();
    assertThat(
            count(
                "select count(*) from outbox_event where destination = 'message-stored'"
                    + " and payload like '%"
                    + second.messageId()
                    + "%'"))
        .isEqualTo(1);

    Map<String, StoredMessage> latest = messages.latest(List.of(group, "nope")).block(WAIT);
    assertThat(latest).containsOnlyKeys(group);
    assertThat(latest.get(group).body()).isEqualTo(Map.of("event", "renamed", "name", "Team"));
    assertThat(latest.get(group).createdAt()).isEqualTo(second.createdAt());
  }

  @Test
  void bodiesAreEncryptedAtRest() {
    User owner = user();
    String group = group(owner);
    TransactionalOperator tx = TransactionalOperator.create(transactions);
    StoredMessage stored =
        tx.transactional(
                store.append(
                    List.of(
                        new NewMessage(
                            store.newMessageId(),
                            group,
                            owner.id(),
                            "phone",
                            "c-1",
                            "text",
                            Map.of("text", "attack at dawn")))))
            .block(WAIT)
            .get(0);

    byte[] body =
        db.sql("select body, key_id from message where id = :id")
            .bind("id", stored.messageId())
            .map(row -> MessageKeyRing.bytes(row.get("body", ByteBuffer.class)))
            .one()
            .block(WAIT);
    assertThat(new String(body, StandardCharsets.ISO_8859_1)).doesNotContain("attack");
    assertThat(store.bySeq(group, stored.seq()).block(WAIT).body())
        .isEqualTo(Map.of("text", "attack at dawn"));
  }

  @Test
  void aBatchGetsConsecutiveSeqsPerConversationAndItsEventsInSeqOrder() {
    User a = user();
    String one = group(a);
    String two = group(a);
    TransactionalOperator tx = TransactionalOperator.create(transactions);
    List<NewMessage> batch = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      batch.add(
          new NewMessage(
              store.newMessageId(),
              i % 2 == 0 ? one : two,
              a.id(),
              "phone",
              "batch-" + i,
              "text",
              Map.of("text", "n" + i)));
    }
    List<StoredMessage> stored =
        tx.transactional(store.lockConversations(List.of(one, two)).then(store.append(batch)))
            .block(WAIT);

    assertThat(stored.stream().map(StoredMessage::seq)).containsExactly(1L, 1L, 2L, 2L, 3L, 3L);
    List<String> events =
        db.sql(
                "select payload from outbox_event where destination = 'message-stored'"
                    + " and payload like :c order by id")
            .bind("c", "%" + one + "%")
            .map(row -> row.get("payload", String.class))
            .all()
            .collectList()
            .block(WAIT);
    assertThat(events).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(events.get(i)).contains("\"seq\":" + (i + 1));
    }
    assertThat(
            store
                .page(two, 1, 0L, null, 10)
                .map(m -> m.body().get("text"))
                .collectList()
                .block(WAIT))
        .containsExactly("n1", "n3", "n5");
  }

  @Test
  void theLockingLookUpAnswersTheConversationsThatExistAndTheSendsAlreadyStored() {
    User a = user();
    String group = group(a);
    TransactionalOperator tx = TransactionalOperator.create(transactions);
    StoredMessage first =
        tx.transactional(
                store
                    .lockConversations(List.of(group))
                    .then(store.append(List.of(message(group, a, "sent-once", "text")))))
            .block(WAIT)
            .get(0);

    R2dbcMessageStore.Locked locked =
        tx.transactional(
                store.lockConversationsAndFindResent(
                    List.of(group, "no-such-conversation"),
                    List.of(
                        new R2dbcMessageStore.IdempotencyKey(a.id(), "sent-once"),
                        new R2dbcMessageStore.IdempotencyKey(a.id(), "never-sent"))))
            .block(WAIT);

    assertThat(locked.conversations()).containsExactly(group);
    assertThat(locked.resent())
        .containsOnlyKeys(new R2dbcMessageStore.IdempotencyKey(a.id(), "sent-once"));
    StoredMessage found =
        locked.resent().get(new R2dbcMessageStore.IdempotencyKey(a.id(), "sent-once"));
    assertThat(found.messageId()).isEqualTo(first.messageId());
    assertThat(found.seq()).isEqualTo(first.seq());
    assertThat(found.body()).isEqualTo(Map.of("text", "t"));
    // Nothing stored under the keys, and no conversation: an empty answer, not an error.
    assertThat(
            tx.transactional(
                    store.lockConversationsAndFindResent(
                        List.of("no-such-conversation"),
                        List.of(new R2dbcMessageStore.IdempotencyKey(a.id(), "never-sent"))))
                .block(WAIT))
        .isEqualTo(new R2dbcMessageStore.Locked(java.util.Set.of(), Map.of()));
  }

  @Test
  void aMessageWithMediaIsRoutedByTheMediaKeyTheOthersByTheirDestination() {
    User a = user();
    String group = group(a);
    TransactionalOperator tx = TransactionalOperator.create(transactions);
    // Batches of one and of several messages: the batch statement writes every event.
    List<List<NewMessage>> batches =
        List.of(
            List.of(
                message(group, a, "r-1", "text"),
                message(group, a, "r-2", "image"),
                message(group, a, "r-3", "text")),
            List.of(message(group, a, "r-4", "image")));
    for (List<NewMessage> batch : batches) {
      tx.transactional(store.lockConversations(List.of(group)).then(store.append(batch)))
          .block(WAIT);
    }

    List<String> keys =
        db.sql(
                "select coalesce(routing_key, '-') from outbox_event"
                    + " where destination = 'message-stored' and payload like :c order by id")
            .bind("c", "%" + group + "%")
            .map(row -> row.get(0, String.class))
            .all()
            .collectList()
            .block(WAIT);
    assertThat(keys)
        .containsExactly(
            "-", MessageStored.MEDIA_ROUTING_KEY, "-", MessageStored.MEDIA_ROUTING_KEY);
  }

  private NewMessage message(String conversation, User sender, String clientMsgId, String kind) {
    Map<String, Object> body =
        kind.equals("image")
            ? Map.of("mediaId", "md-" + clientMsgId, "width", 10)
            : Map.of("text", "t");
    return new NewMessage(
        store.newMessageId(), conversation, sender.id(), "phone", clientMsgId, kind, body);
  }
}
