package com.parley.im.systemtests;

import static com.parley.im.systemtests.ParleyClient.clientMsgId;
import static com.parley.im.systemtests.ParleyClient.openSocket;
import static com.parley.im.systemtests.WsConnection.textFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Session;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Unread counts end to end (issue 9): messages raise the recipient's counts on every device through
 * {@code unread} frames, a read on one device brings the other device's count down (within a second
 * here), {@code GET /api/unread} agrees with the conversation list, and a mute leaves the total and
 * shows in the list.
 */
@ExtendWith(RunningSystem.class)
class UnreadSystemTests {

  private static final Duration ANSWER = Duration.ofSeconds(30);

  private final ParleyClient client = new ParleyClient();

  private static Predicate<JsonNode> unread(String conversationId, long unread) {
    return f ->
        "unread".equals(f.path("type").asString())
            && conversationId.equals(f.path("conversationId").asString())
            && f.path("unread").asLong() == unread;
  }

  @Test
  void countsFollowMessagesAndReadsOnEveryDeviceAndAgreeWithTheList() {
    Session alice = client.newUser("unA");
    Session bob = client.newUser("unB");
    String direct = client.directConversationOfNewFriends(alice, bob);
    Session bobLaptop = client.anotherDevice(bob);

    try (WsConnection aliceSocket = openSocket(alice);
        WsConnection phone = openSocket(bob);
        WsConnection laptop = openSocket(bobLaptop)) {
      long last = 0;
      for (int i = 0; i < 3; i++) {
        JsonNode ack =
            aliceSocket.sendAndAwaitAnswer(textFrame(clientMsgId("un"), direct, "m" + i), ANSWER);
        assertThat(ack.path("type").asString()).as("%s", ack).isEqualTo("ack");
        last = ack.path("seq").asLong();
      }
      phone.awaitFrame("3 unread on the phone", unread(direct, 3), ANSWER);
      JsonNode onLaptop = laptop.awaitFrame("3 unread on the laptop", unread(direct, 3), ANSWER);
      assertThat(onLaptop.path("total").asLong()).isEqualTo(3);

      long readAt = System.nanoTime();
      phone.read(direct, last);
      JsonNode cleared =
          laptop.awaitFrame(
              "0 unread on the laptop after the phone read", unread(direct, 0), ANSWER);
      long millis = (System.nanoTime() - readAt) / 1_000_000;
      System.out.printf(
          "[unread] a read on the phone reached the laptop's count in %d ms%n", millis);
      assertThat(cleared.path("total").asLong()).isZero();
      assertThat(millis).as("the other device's count within a second").isLessThan(1000);
    }

    JsonNode counts = client.get("/api/unread", bob.accessToken()).expectStatus(200).json();
    JsonNode entry = client.awaitConversationEntry(bob, direct);
    JsonNode mine = null;
    for (JsonNode c : counts.path("conversations")) {
      if (direct.equals(c.path("conversationId").asString())) {
        mine = c;
      }
    }
    assertThat(mine).as("GET /api/unread has the conversation").isNotNull();
    assertThat(mine.path("unread").asLong()).isEqualTo(entry.path("unread").asLong());
    assertThat(mine.path("readSeq").asLong()).isEqualTo(entry.path("readSeq").asLong());
    assertThat(mine.path("lastSeq").asLong()).isEqualTo(entry.path("lastSeq").asLong());

    // A mute leaves the total and shows in the conversation list (through the broker).
    client
        .postMessage(alice, direct, clientMsgId("un"), "text", java.util.Map.of("text", "more"))
        .expectStatus(201);
    await("one unread")
        .atMost(ANSWER)
        .until(
            () -> client.get("/api/unread", bob.accessToken()).json().path("total").asLong() == 1);
    client.put("/api/conversations/" + direct + "/mute", null, bob.accessToken()).expectStatus(200);
    assertThat(client.get("/api/unread", bob.accessToken()).json().path("total").asLong()).isZero();
    await("muted in the conversation list")
        .atMost(ANSWER)
        .until(() -> client.awaitConversationEntry(bob, direct).path("muted").asBoolean());
    client
        .put("/api/conversations/" + direct + "/mute", null, client.newUser("unS").accessToken())
        .expectProblem(404, "not_member");
    client.delete("/api/conversations/" + direct + "/mute", bob.accessToken()).expectStatus(200);
    assertThat(client.get("/api/unread", bob.accessToken()).json().path("total").asLong())
        .as("unmuting puts it back")
        .isEqualTo(1);

    // An older read position moves nothing back; the user's own send clears the count.
    client
        .post(
            "/api/conversations/" + direct + "/read", java.util.Map.of("seq", 1), bob.accessToken())
        .expectStatus(200);
    assertThat(client.get("/api/unread", bob.accessToken()).json().path("total").asLong())
        .isEqualTo(1);
    client
        .postMessage(bob, direct, clientMsgId("un"), "text", java.util.Map.of("text", "reply"))
        .expectStatus(201);
    await("bob's own send clears his count")
        .atMost(ANSWER)
        .until(
            () -> client.get("/api/unread", bob.accessToken()).json().path("total").asLong() == 0);
  }
}
