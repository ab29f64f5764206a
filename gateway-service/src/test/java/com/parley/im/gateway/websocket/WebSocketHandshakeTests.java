package com.parley.im.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class WebSocketHandshakeTests extends GatewayIntegrationTest {

  @Test
  void aBearerTokenOpensTheSocketAndTheWelcomeNamesTheSession() throws Exception {
    TestTokens.Identity id = TestTokens.newIdentity();
    Instant before = Instant.now().minusSeconds(1);
    try (TestSocket socket = connect(id)) {
      JsonNode welcome = socket.next();
      assertThat(welcome.path("type").asString()).isEqualTo("welcome");
      assertThat(welcome.path("userId").asString()).isEqualTo(id.userId());
      assertThat(welcome.path("deviceId").asString()).isEqualTo(id.deviceId());
      assertThat(welcome.path("sessionId").asString()).isEqualTo(id.sessionId());
      assertThat(welcome.path("heartbeatIntervalMs").asLong()).isEqualTo(30_000L);
      assertThat(Instant.parse(welcome.path("serverTime").asString()))
          .isBetween(before, Instant.now().plusSeconds(1));
    }
  }

  @Test
  void aTicketOpensTheSocketOnceAndIsRefusedTheSecondTime() throws Exception {
    TestTokens.Identity id = TestTokens.newIdentity();
    String ticket = SERVICES.issueTicket(id);
    try (TestSocket socket = TestSocket.connect(port, "?ticket=" + ticket, headers -> {})) {
      assertThat(socket.awaitOpen()).isTrue();
      JsonNode welcome = socket.next();
      assertThat(welcome.path("userId").asString()).isEqualTo(id.userId());
      assertThat(welcome.path("sessionId").asString()).isEqualTo(id.sessionId());
    }
    Handshakes.upgrade(http, "/ws?ticket=" + ticket)
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("invalid_ticket");
  }

  @Test
  void aSocketClientWithAnUnknownTicketIsRefusedBeforeTheUpgrade() throws Exception {
    try (TestSocket socket = TestSocket.connect(port, "?ticket=tk-never-issued-123", h -> {})) {
      assertThat(socket.awaitOpen()).isFalse();
      assertThat(socket.awaitFailure())
          .isInstanceOfSatisfying(
              WebSocketClientHandshakeException.class,
              e -> assertThat(e.response().status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED));
    }
  }

  @Test
  void withoutCredentialsTheHandshakeIsRefusedWith401() {
    Handshakes.upgrade(http, "/ws")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("unauthorized");
  }

  @Test
  void aPlainGetWithoutUpgradeIsABadRequestProblem() {
    http.get()
        .uri("/ws")
        .header("Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentType("application/problem+json");
  }

  @Test
  void anAccessTokenInTheUrlIsNeverAccepted() {
    String token = TestTokens.valid(TestTokens.newIdentity());
    Handshakes.upgrade(http, "/ws?access_token=" + token)
        .exchange()
        .expectStatus()
        .isUnauthorized();
  }

  @Test
  void anExpiredBearerTokenIsRefusedAsExpired() {
    Handshakes.upgrade(http, "/ws")
        .header("Authorization", "Bearer " + TestTokens.expired(TestTokens.newIdentity()))
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("token_expired");
  }

  @Test
  void anOriginOffTheAllowListIsRefusedWith403() throws Exception {
    String token = TestTokens.valid(TestTokens.newIdentity());
    Handshakes.upgrade(http, "/ws")
        .header("Authorization", "Bearer " + token)
        .header("Origin", "https://evil.example")
        .exchange()
        .expectStatus()
        .isForbidden()
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("origin_not_allowed");
    try (TestSocket socket =
        TestSocket.connect(
            port,
            "",
            h ->
                h.set("Authorization", "Bearer " + token).set("Origin", "http://localhost:3000"))) {
      assertThat(socket.awaitOpen()).isTrue();
      assertThat(socket.next().path("type").asString()).isEqualTo("welcome");
    }
  }

  @Test
  void pingIsAnsweredWithPongEchoingTheId() throws Exception {
    try (TestSocket socket = connect(TestTokens.newIdentity())) {
      socket.next("welcome");
      Instant before = Instant.now().minusSeconds(1);
      socket.send("{\"type\":\"ping\",\"id\":\"p-1\"}");
      JsonNode pong = socket.next();
      assertThat(pong.path("type").asString()).isEqualTo("pong");
      assertThat(pong.path("id").asString()).isEqualTo("p-1");
      assertThat(Instant.parse(pong.path("serverTime").asString()))
          .isBetween(before, Instant.now().plusSeconds(1));
      socket.send("{\"type\":\"ping\"}");
      assertThat(socket.next().path("type").asString()).isEqualTo("pong");
      assertThat(socket.isClosed()).isFalse();
      assertThat(socket.awaitOpen()).isTrue();
    }
  }
}
