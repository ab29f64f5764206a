package com.parley.im.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.systemtests.ParleyClient.Account;
import com.parley.im.systemtests.ParleyClient.Session;
import com.parley.im.systemtests.WsConnection.Attempt;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** The WebSocket at {@code /ws}: PROTOCOL.md "The WebSocket". */
@ExtendWith(RunningSystem.class)
class WebSocketSystemTests {

  private final ParleyClient client = new ParleyClient();
  private Account account;
  private Session session;

  @BeforeEach
  void newUser() {
    account = client.register("ws");
    session = client.login(account, ParleyClient.uniqueDeviceId("dev"));
  }

  private void assertWelcome(JsonNode welcome) {
    assertThat(welcome.path("userId").asString()).as("welcome.userId").isEqualTo(account.id());
    assertThat(welcome.path("deviceId").asString())
        .as("welcome.deviceId")
        .isEqualTo(session.deviceId());
    assertThat(welcome.path("sessionId").asString()).as("welcome.sessionId").isNotBlank();
    assertThat(welcome.path("heartbeatIntervalMs").asLong())
        .as("welcome.heartbeatIntervalMs")
        .isPositive();
    assertThat(Instant.parse(welcome.path("serverTime").asString()))
        .as("welcome.serverTime (ISO-8601)")
        .isBetween(
            Instant.now().minus(Duration.ofMinutes(2)), Instant.now().plus(Duration.ofMinutes(2)));
  }

  @Test
  void aTicketConnectsOnceAndOnlyOnce() {
    JsonNode issued =
        client
            .post("/api/auth/ws-ticket", Map.of(), session.accessToken())
            .expectStatus(200)
            .json();
    String ticket = issued.path("ticket").asString();
    assertThat(ticket).isNotBlank();
    assertThat(issued.path("expiresIn").asInt()).as("expiresIn").isEqualTo(30);

    try (WsConnection socket = WsConnection.withTicket(ticket)) {
      assertWelcome(socket.awaitType("welcome"));
    }

    Attempt second =
        WsConnection.attempt(WsConnection.wsUri("ticket=" + ParleyClient.encode(ticket)), Map.of());
    assertRefused(second, "second use of a ticket");
  }

  @Test
  void aBearerHeaderConnects() {
    try (WsConnection socket = WsConnection.withBearer(session.accessToken())) {
      assertWelcome(socket.awaitType("welcome"));
    }
  }

  @Test
  void handshakesWithoutValidCredentialsAreRefused() {
    assertRefused(WsConnection.attempt(WsConnection.wsUri(null), Map.of()), "no credentials");
    assertRefused(
        WsConnection.attempt(WsConnection.wsUri("ticket=no-such-ticket"), Map.of()),
        "unknown ticket");
    assertRefused(
        WsConnection.attempt(WsConnection.wsUri(null), Map.of("Authorization", "Bearer not-a-jwt")),
        "invalid bearer token");
  }

  @Test
  void aForeignOriginIsRefused() {
    assertRefused(
        WsConnection.attempt(
            WsConnection.wsUri(null),
            Map.of(
                "Authorization",
                "Bearer " + session.accessToken(),
                "Origin",
                "https://evil.example")),
        "handshake from an Origin not on the allow-list");
  }

  @Test
  void pingIsAnsweredWithPong() {
    try (WsConnection socket = WsConnection.withBearer(session.accessToken())) {
      socket.awaitType("welcome");
      socket.send(Map.of("type", "ping", "id", "p-1"));
      JsonNode pong = socket.awaitReply("pong", "p-1");
      assertThat(Instant.parse(pong.path("serverTime").asString()))
          .as("pong.serverTime")
          .isNotNull();

      socket.send(Map.of("type", "ping"));
      socket.awaitFrame(
          "a `pong` without id",
          f ->
              "pong".equals(f.path("type").asString())
                  && (f.path("id").isMissingNode() || f.path("id").isNull()));
    }
  }

  @Test
  void badFramesGetErrorFramesAndTheConnectionStaysOpen() {
    try (WsConnection socket = WsConnection.withBearer(session.accessToken())) {
      socket.awaitType("welcome");

      socket.sendText("{this is not json");
      JsonNode malformed = socket.awaitType("error");
      assertThat(malformed.path("code").asString())
          .as("code for malformed JSON")
          .isNotBlank()
          .isNotEqualTo("closing");

      socket.send(Map.of("type", "no_such_type", "id", "u-1"));
      JsonNode unknown = socket.awaitReply("error", "u-1");
      assertThat(unknown.path("code").asString())
          .as("code for an unknown type")
          .isNotBlank()
          .isNotEqualTo("closing");

      socket.send(Map.of("type", "send", "id", "m-1"));
      JsonNode missing = socket.awaitReply("error", "m-1");
      assertThat(missing.path("code").asString())
          .as("code for missing fields")
          .isNotBlank()
          .isNotEqualTo("closing");

      socket.send(Map.of("id", "t-1", "conversationId", "c"));
      JsonNode noType = socket.awaitReply("error", "t-1");
      assertThat(noType.path("code").asString()).as("code for a frame without type").isNotBlank();

      socket.send(Map.of("type", "read", "id", "r-1"));
      socket.awaitReply("error", "r-1");

      assertThat(socket.isClosed()).as("still connected after bad frames").isFalse();
      socket.send(Map.of("type", "ping", "id", "after-errors"));
      socket.awaitReply("pong", "after-errors");
    }
  }

  private static void assertRefused(Attempt attempt, String what) {
    if (attempt.refused()) {
      assertThat(attempt.refusedStatus())
          .as("%s: handshake refused with a 4xx status", what)
          .isBetween(400, 499);
      return;
    }
    // Some servers accept the upgrade and close at once: that counts as refused if no welcome came.
    try (WsConnection connection = attempt.connection()) {
      WsConnection.Closed closed = connection.awaitClose();
      assertThat(connection.frames())
          .as("%s: accepted, closed with %s, but sent a welcome first", what, closed)
          .noneMatch(f -> "welcome".equals(f.path("type").asString()));
    }
  }
}
