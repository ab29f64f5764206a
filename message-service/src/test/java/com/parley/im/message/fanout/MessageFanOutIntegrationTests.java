package com.parley.im.message.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.defaults.outbox.OutboxRelay;
import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import com.parley.im.testsupport.TestTokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Fan-out through the real outbox relay and routed delivery: members' devices get the {@code
 * message} frame, the sending device does not (it has the ack), the sender's other devices do; a
 * send is pushed from its committed batch, without the relay, and the relay does not push it again
 * (ADR 0030).
 */
class MessageFanOutIntegrationTests extends MessagingIntegrationTestBase {

  @Autowired OutboxRelay relay;

  @Test
  void aGroupMessageReachesEveryMemberDeviceButTheSendingOne() {
    User a = user();
    User b = user();
    User c = user();
    String group = group(a, b, c);
    FakeGateway gateway = gateway();
    online(a, "phone", gateway);
    online(a, "laptop", gateway);
    online(b, "phone", gateway);
    // c has no socket: nothing is published for c.

    Map<?, ?> sent = sendText(TestTokens.accessToken(a.id(), "phone"), group, "f-1", "hello all");

    Map<String, Object> atB = gateway.await(b.id(), "phone", "message");
    assertThat(atB)
        .containsEntry("messageId", sent.get("messageId"))
        .containsEntry("conversationId", group)
        .containsEntry("seq", 1)
        .containsEntry("senderId", a.id())
        .containsEntry("senderDeviceId", "phone")
        .containsEntry("kind", "text")
        .containsEntry("body", Map.of("text", "hello all"));
    assertThat(atB.get("_exceptDeviceId")).isNull();

    Map<String, Object> atLaptop = gateway.await(a.id(), "laptop", "message");
    assertThat(atLaptop).containsEntry("messageId", sent.get("messageId"));
    assertThat(atLaptop.get("_exceptDeviceId")).isEqualTo("phone");
    assertThat(gateway.frames(a.id(), "phone")).isEmpty();
    assertThat(gateway.frames(c.id(), "phone")).isEmpty();
  }

  @Test
  void aSendIsPushedFromItsBatchWhileTheRelayIsStopped() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    FakeGateway gateway = gateway();
    online(b, "phone", gateway);
    relay.stop();
    Map<?, ?> sent;
    try {
      sent = sendText(a.token(), direct, "without-relay", "hi");
      assertThat(gateway.await(b.id(), "phone", "message"))
          .containsEntry("messageId", sent.get("messageId"));
      assertThat(unpublished(sent)).isEqualTo(1); // the relay did not take part
    } finally {
      relay.start();
    }
    awaitTrue(() -> unpublished(sent) == 0); // and it relays the row once it runs again
  }

  @Test
  void theRelayDoesNotPushAgainWhatTheBatchPushed() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    FakeGateway gateway = gateway();
    online(b, "phone", gateway);

    Map<?, ?> sent = sendText(a.token(), direct, "once", "hi");

    gateway.await(b.id(), "phone", "message");
    awaitTrue(() -> unpublished(sent) == 0); // the relay has passed over the row
    relay.drain().block(WAIT);
    assertThat(
            gateway.frames(b.id(), "phone").stream()
                .filter(f -> sent.get("messageId").equals(f.get("messageId"))))
        .hasSize(1);
  }

  /** How many of the message's outbox rows the relay has not published. */
  private long unpublished(Map<?, ?> sent) {
    return db.sql(
            "select count(*) from outbox_event where published_at is null"
                + " and payload like :id")
        .bind("id", "%" + sent.get("messageId") + "%")
        .map(row -> row.get(0, Long.class))
        .one()
        .block(WAIT);
  }

  @Test
  void messagesArePushedInSeqOrder() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    FakeGateway gateway = gateway();
    online(b, "tablet", gateway);
    for (int i = 1; i <= 10; i++) {
      sendText(a.token(), direct, "o-" + i, "n" + i);
    }
    awaitTrue(() -> gateway.frames(b.id(), "tablet").size() >= 10);
    List<Object> seqs =
        gateway.frames(b.id(), "tablet").stream().map(f -> f.get("seq")).distinct().toList();
    assertThat(seqs).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  }
}
