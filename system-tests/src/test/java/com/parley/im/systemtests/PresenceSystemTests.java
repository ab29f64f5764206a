package com.parley.im.systemtests;

import static com.parley.im.systemtests.ParleyClient.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Account;
import com.parley.im.systemtests.ParleyClient.Response;
import com.parley.im.systemtests.ParleyClient.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** Who is online, through the gateway: PROTOCOL.md "Presence" and the {@code presence} frame. */
@ExtendWith(RunningSystem.class)
class PresenceSystemTests {

  private final ParleyClient client = new ParleyClient();

  private Session newUser(String prefix) {
    Account account = client.register(prefix);
    return client.login(account, ParleyClient.uniqueDeviceId("dev"));
  }

  private static String id(Session session) {
    return session.account().id();
  }

  private WsConnection socket(Session session) {
    WsConnection socket = WsConnection.withBearer(session.accessToken());
    socket.awaitType("welcome");
    return socket;
  }

  /**
   * Makes the two friends while {@code requester} has a socket open, and waits for its {@code
   * friend_accepted}: by then the acceptance has passed the broker, on its way to presence too.
   */
  private void makeFriends(Session requester, WsConnection requesterSocket, Session other) {
    AtomicReference<Response> sent = new AtomicReference<>();
    await("relation-service knows " + other.account().username())
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              sent.set(
                  client.post(
                      "/api/friend-requests",
                      Map.of("toUserId", id(other)),
                      requester.accessToken()));
              return sent.get().status() != 404;
            });
    String requestId = sent.get().expectStatus(201).json().path("id").asString();
    client
        .post("/api/friend-requests/" + requestId + "/accept", null, other.accessToken())
        .expectStatus(200);
    requesterSocket.awaitFrame(
        "a `friend_accepted` frame for " + requestId,
        f ->
            "friend_accepted".equals(f.path("type").asString())
                && requestId.equals(f.path("requestId").asString()));
  }

  private List<JsonNode> presence(Session asker, String... userIds) {
    return items(
        client
            .get("/api/presence?userIds=" + String.join(",", userIds), asker.accessToken())
            .expectStatus(200)
            .json());
  }

  private JsonNode presenceOf(Session asker, Session of) {
    List<JsonNode> answer = presence(asker, id(of));
    assertThat(answer).as("presence of one user").hasSize(1);
    assertThat(answer.get(0).path("userId").asString()).isEqualTo(id(of));
    return answer.get(0);
  }

  private static JsonNode awaitPresence(WsConnection socket, Session of, boolean online) {
    JsonNode frame =
        socket.awaitFrame(
            "a `presence` frame: " + of.account().username() + " online=" + online,
            f ->
                "presence".equals(f.path("type").asString())
                    && id(of).equals(f.path("userId").asString())
                    && f.path("online").isBoolean()
                    && f.path("online").asBoolean() == online);
    return frame;
  }

  @Test
  void aFriendSeesOnlineAndThenOfflineWithLastSeenAt() {
    Session alice = newUser("prA");
    Session bob = newUser("prB");
    try (WsConnection aliceSocket = socket(alice)) {
      makeFriends(alice, aliceSocket, bob);

      Instant beforeOnline = Instant.now().minusSeconds(5);
      WsConnection bobSocket = socket(bob);
      JsonNode online;
      try {
        online = awaitPresence(aliceSocket, bob, true);
        assertThat(Instant.parse(online.path("lastSeenAt").asString()))
            .as("lastSeenAt while online: when bob came online")
            .isAfter(beforeOnline);

        JsonNode shown =
            await("GET /api/presence shows bob online")
                .atMost(WsConnection.TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> presenceOf(alice, bob), p -> p.path("online").asBoolean(false));
        assertThat(shown.path("lastSeenAt").isNull()).as("lastSeenAt while online").isFalse();
      } finally {
        bobSocket.close(); // a clean close of bob's last socket
      }

      JsonNode offline = awaitPresence(aliceSocket, bob, false);
      Instant lastSeen = Instant.parse(offline.path("lastSeenAt").asString());
      assertThat(lastSeen)
          .as("lastSeenAt when bob went offline")
          .isAfterOrEqualTo(Instant.parse(online.path("lastSeenAt").asString()))
          .isBefore(Instant.now().plusSeconds(60));

      JsonNode shown =
          await("GET /api/presence shows bob offline")
              .atMost(WsConnection.TIMEOUT)
              .pollInterval(Duration.ofMillis(250))
              .until(
                  () -> presenceOf(alice, bob),
                  p -> p.path("online").isBoolean() && !p.path("online").asBoolean());
      assertThat(Instant.parse(shown.path("lastSeenAt").asString()))
          .as("API lastSeenAt after going offline")
          .isEqualTo(lastSeen);
    }
  }

  @Test
  void aStrangerLearnsNothingEvenWhileTheUserIsOnline() {
    Session alice = newUser("stA");
    Session bob = newUser("stB");
    Session stranger = newUser("stX");
    try (WsConnection aliceSocket = socket(alice)) {
      makeFriends(alice, aliceSocket, bob);
      try (WsConnection strangerSocket = socket(stranger);
          WsConnection bobSocket = socket(bob)) {
        awaitPresence(aliceSocket, bob, true);
        await("GET /api/presence shows bob online to his friend")
            .atMost(WsConnection.TIMEOUT)
            .pollInterval(Duration.ofMillis(250))
            .until(() -> presenceOf(alice, bob), p -> p.path("online").asBoolean(false));

        JsonNode seen = presenceOf(stranger, bob);
        assertThat(seen.path("online").isBoolean() && !seen.path("online").asBoolean())
            .as("online:false for a stranger: %s", seen)
            .isTrue();
        assertThat(seen.has("lastSeenAt") && seen.path("lastSeenAt").isNull())
            .as("lastSeenAt:null for a stranger: %s", seen)
            .isTrue();
        assertThat(strangerSocket.frames())
            .as("no presence frame about bob reaches a stranger")
            .noneMatch(
                f ->
                    "presence".equals(f.path("type").asString())
                        && id(bob).equals(f.path("userId").asString()));
      }
    }
  }

  @Test
  void askingAboutYourselfWorksAndAnswersComeInTheOrderAsked() {
    Session alice = newUser("slA");
    Session stranger = newUser("slX");
    try (WsConnection aliceSocket = socket(alice)) {
      JsonNode self =
          await("alice sees herself online")
              .atMost(WsConnection.TIMEOUT)
              .pollInterval(Duration.ofMillis(250))
              .until(() -> presenceOf(alice, alice), p -> p.path("online").asBoolean(false));
      assertThat(Instant.parse(self.path("lastSeenAt").asString())).isNotNull();

      List<JsonNode> both = presence(alice, id(stranger), id(alice));
      assertThat(both)
          .extracting(n -> n.path("userId").asString())
          .containsExactly(id(stranger), id(alice));
      assertThat(both.get(0).path("online").asBoolean(true)).isFalse();
      assertThat(both.get(0).path("lastSeenAt").isNull()).isTrue();
      assertThat(both.get(1).path("online").asBoolean(false)).isTrue();
    }
  }
}
