package com.parley.im.message.position;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.ClientFrameReceived;
import com.parley.im.events.Destinations;
import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;

/** recv and read frames (through the broker and the consumer) and the REST read call. */
class PositionIntegrationTests extends MessagingIntegrationTestBase {

  @Autowired
  @Qualifier("handleClientFrame")
  Consumer<List<ClientFrameReceived>> handleClientFrames;

  /** Hands frames to the consumer as one batch, as the binder does. */
  private void handle(ClientFrameReceived... frames) {
    handleClientFrames.accept(List.of(frames));
  }

  private ClientFrameReceived frame(FakeGateway gateway, User user, String device, String json) {
    return new ClientFrameReceived(
        UUID.randomUUID().toString(),
        Instant.now(),
        gateway.instanceId,
        user.id(),
        device,
        "session-" + device,
        json);
  }

  private static String positional(String type, String conversationId, long seq) {
    return "{\"type\":\""
        + type
        + "\",\"conversationId\":\""
        + conversationId
        + "\",\"seq\":"
        + seq
        + "}";
  }

  private long delivered(String conversationId, User user, String device) {
    return count(
        "select coalesce(max(delivered_seq), -1) from device_position where conversation_id = '"
            + conversationId
            + "' and user_id = '"
            + user.id()
            + "' and device_id = '"
            + device
            + "'");
  }

  private long readSeq(String conversationId, User user) {
    return count(
        "select read_seq from member where conversation_id = '"
            + conversationId
            + "' and user_id = '"
            + user.id()
            + "'");
  }

  private long readEvents(String conversationId, User user) {
    return count(
        "select count(*) from outbox_event where event_type = 'ReadPositionMoved'"
            + " and payload like '%"
            + conversationId
            + "%' and payload like '%"
            + user.id()
            + "%'");
  }

  private List<Map<String, Object>> receipts(FakeGateway gateway, User to, String device) {
    return gateway.frames(to.id(), device).stream()
        .filter(f -> "receipt".equals(f.get("type")))
        .toList();
  }

  @Test
  void recvMovesTheDevicePositionForwardOnlyAndTellsTheOtherMember() {
    User a = user();
    User b = user();
    String conversation = befriend(a, b);
    lastSeq(conversation, 5);
    FakeGateway gateway = gateway();
    online(a, "a1", gateway);
    online(b, "b1", gateway);

    // Through the broker, as a gateway publishes it.
    ClientFrameReceived recv3 = frame(gateway, b, "b1", positional("recv", conversation, 3));
    publish(Destinations.CLIENT_FRAMES, recv3);

    Map<String, Object> receipt = gateway.await(a.id(), "a1", "receipt");
    assertThat(receipt)
        .containsEntry("conversationId", conversation)
        .containsEntry("userId", b.id())
        .containsEntry("deliveredSeq", 3)
        .doesNotContainKey("readSeq");
    assertThat(delivered(conversation, b, "b1")).isEqualTo(3);

    // Backwards and replayed frames change nothing and push nothing.
    handle(frame(gateway, b, "b1", positional("recv", conversation, 2)));
    handle(recv3);
    assertThat(delivered(conversation, b, "b1")).isEqualTo(3);

    // Beyond the last seq: clamped.
    handle(frame(gateway, b, "b1", positional("recv", conversation, 99)));
    assertThat(delivered(conversation, b, "b1")).isEqualTo(5);
    awaitTrue(() -> receipts(gateway, a, "a1").size() == 2);
    assertThat(receipts(gateway, a, "a1"))
        .extracting(f -> f.get("deliveredSeq"))
        .containsExactly(3, 5);
    // A second device behind the first moves its own position but not the user's.
    handle(frame(gateway, b, "b2", positional("recv", conversation, 4)));
    assertThat(delivered(conversation, b, "b2")).isEqualTo(4);
    // The receiver's own devices get no delivered receipts.
    assertThat(receipts(gateway, b, "b1")).isEmpty();
  }

  @Test
  void aBatchOfRecvsIsOneStepPerDeviceWithOneReceiptPerUserAtItsHighestPosition() {
    User a = user();
    User b = user();
    User c = user();
    String ab = befriend(a, b);
    String ac = befriend(a, c);
    lastSeq(ab, 9);
    lastSeq(ac, 9);
    User stranger = user();
    FakeGateway gateway = gateway();
    online(a, "a1", gateway);
    handle(frame(gateway, b, "b2", positional("recv", ab, 2)));
    awaitTrue(() -> receipts(gateway, a, "a1").size() == 1);

    // b's two devices, one of them twice and out of order, c's device, a stranger and a bad frame.
    handle(
        frame(gateway, b, "b1", positional("recv", ab, 6)),
        frame(gateway, b, "b2", positional("recv", ab, 7)),
        frame(gateway, stranger, "s1", positional("recv", ab, 8)),
        frame(gateway, b, "b1", positional("recv", ab, 4)),
        frame(gateway, c, "c1", positional("recv", ac, 3)),
        frame(gateway, b, "b1", "{\"type\":\"recv\",\"seq\":1}"),
        frame(gateway, b, "b1", positional("recv", ab, 5)));

    assertThat(delivered(ab, b, "b1")).isEqualTo(6);
    assertThat(delivered(ab, b, "b2")).isEqualTo(7);
    assertThat(delivered(ac, c, "c1")).isEqualTo(3);
    assertThat(delivered(ab, stranger, "s1")).isEqualTo(-1);
    awaitTrue(() -> receipts(gateway, a, "a1").size() == 3);
    assertThat(receipts(gateway, a, "a1"))
        .extracting(
            r -> r.get("conversationId") + "/" + r.get("userId") + "@" + r.get("deliveredSeq"))
        .containsExactlyInAnyOrder(
            ab + "/" + b.id() + "@2", ab + "/" + b.id() + "@7", ac + "/" + c.id() + "@3");

    // b1 moves to 7 too: its own position moved, b's highest did not; no receipt.
    handle(frame(gateway, b, "b1", positional("recv", ab, 7)));
    assertThat(delivered(ab, b, "b1")).isEqualTo(7);
    handle(frame(gateway, c, "c1", positional("recv", ac, 4)));
    awaitTrue(() -> receipts(gateway, a, "a1").size() == 4);
    assertThat(receipts(gateway, a, "a1").get(3)).containsEntry("deliveredSeq", 4);
  }

  @Test
  void recvOfAStrangerOrAMalformedFrameIsDropped() {
    User a = user();
    User b = user();
    String conversation = befriend(a, b);
    lastSeq(conversation, 5);
    User stranger = user();
    FakeGateway gateway = gateway();

    handle(frame(gateway, stranger, "s1", positional("recv", conversation, 3)));
    handle(frame(gateway, b, "b1", "{\"type\":\"recv\",\"seq\":\"x\"}"));
    handle(frame(gateway, b, "b1", "not json"));
    handle(frame(gateway, b, "b1", "{\"type\":\"unheard-of\"}"));

    assertThat(delivered(conversation, stranger, "s1")).isEqualTo(-1);
    assertThat(delivered(conversation, b, "b1")).isEqualTo(-1);
  }

  @Test
  void readNeverGoesBackwardsWritesReadPositionMovedOnceAndSyncsEveryDevice() {
    User a = user();
    User b = user();
    String conversation = befriend(a, b);
    lastSeq(conversation, 10);
    FakeGateway gateway = gateway();
    online(a, "a1", gateway);
    online(b, "b1", gateway);
    online(b, "b2", gateway);
    var moved = tap(Destinations.READ_POSITION_MOVED);

    read(b, conversation, 4)
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.conversationId")
        .isEqualTo(conversation)
        .jsonPath("$.readSeq")
        .isEqualTo(4);
    assertThat(moved.next("userId", b.id())).containsEntry("readSeq", 4);
    read(b, conversation, 2).expectStatus().isOk().expectBody().jsonPath("$.readSeq").isEqualTo(4);
    assertThat(readSeq(conversation, b)).isEqualTo(4);
    assertThat(readEvents(conversation, b)).isEqualTo(1);

    // The frame from device b1: a and b's other device hear of it, b1 does not.
    ClientFrameReceived read7 = frame(gateway, b, "b1", positional("read", conversation, 7));
    handle(read7);
    handle(read7);
    handle(frame(gateway, b, "b1", positional("read", conversation, 6)));
    assertThat(readSeq(conversation, b)).isEqualTo(7);
    assertThat(readEvents(conversation, b)).isEqualTo(2);

    awaitTrue(
        () ->
            receipts(gateway, b, "b2").stream()
                .anyMatch(f -> Integer.valueOf(7).equals(f.get("readSeq"))));
    assertThat(receipts(gateway, a, "a1")).extracting(f -> f.get("readSeq")).containsExactly(4, 7);
    assertThat(receipts(gateway, b, "b1")).extracting(f -> f.get("readSeq")).containsExactly(4);

    // Beyond the last seq: clamped.
    read(b, conversation, 50)
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.readSeq")
        .isEqualTo(10);
  }

  @Test
  void bigGroupsGetReadReceiptsButNoDeliveredReceipts() {
    User a = user();
    User b = user();
    User[] members = new User[22];
    members[0] = a;
    members[1] = b;
    for (int i = 2; i < members.length; i++) {
      members[i] = user();
    }
    String group = group(members);
    lastSeq(group, 3);
    FakeGateway gateway = gateway();
    online(a, "a1", gateway);

    handle(frame(gateway, b, "b1", positional("recv", group, 3)));
    handle(frame(gateway, b, "b1", positional("read", group, 3)));

    // Pushes leave in call order: once the read receipt is there, a delivered one would be too.
    awaitTrue(() -> !receipts(gateway, a, "a1").isEmpty());
    assertThat(delivered(group, b, "b1")).isEqualTo(3);
    assertThat(receipts(gateway, a, "a1"))
        .singleElement()
        .satisfies(
            r -> assertThat(r).containsEntry("readSeq", 3).doesNotContainKey("deliveredSeq"));
  }

  @Test
  void readByANonMemberIs404AndABadSeqIs400() {
    User a = user();
    User b = user();
    String conversation = befriend(a, b);
    User stranger = user();

    read(stranger, conversation, 1)
        .expectStatus()
        .isNotFound()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("not_member");
    read(a, "d_unknown", 1).expectStatus().isNotFound();
    http.post()
        .uri("/api/conversations/{id}/read", conversation)
        .headers(h -> h.setBearerAuth(a.token()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("seq", -1))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("validation_failed");
  }

  private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec read(
      User as, String conversationId, long seq) {
    return http.post()
        .uri("/api/conversations/{id}/read", conversationId)
        .headers(h -> h.setBearerAuth(as.token()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("seq", seq))
        .exchange();
  }
}
