package com.parley.im.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.events.DeviceSessionRevoked;
import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import com.parley.im.testsupport.EventTap;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.stream.function.StreamBridge;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SessionRevocationTests extends GatewayIntegrationTest {

  @Autowired StreamBridge broker;
  @Autowired ConnectionFactory rabbit;
  @Autowired JsonMapper json;

  @Test
  void aRevokedSessionLosesItsSocketWith4001AndItsTokenIsRefusedAfterwards() throws Exception {
    EventTap tap = EventTap.open(rabbit, json, Destinations.SOCKET_CHANGED);
    TestTokens.Identity id = TestTokens.newIdentity();
    String token = TestTokens.valid(id);
    TestTokens.Identity otherDevice =
        new TestTokens.Identity(id.userId(), id.deviceId() + "-b", id.sessionId() + "-b");
    try (TestSocket socket = connect(id);
        TestSocket untouched = connect(otherDevice)) {
      socket.next("welcome");
      untouched.next("welcome");

      broker.send(
          Destinations.DEVICE_SESSION_REVOKED,
          new DeviceSessionRevoked(
              UUID.randomUUID().toString(),
              Instant.now(),
              id.userId(),
              id.deviceId(),
              id.sessionId(),
              "logout"));

      JsonNode closing = socket.next();
      assertThat(closing.path("type").asString()).isEqualTo("error");
      assertThat(closing.path("code").asString()).isEqualTo("closing");
      assertThat(socket.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(4001);

      untouched.send("{\"type\":\"ping\",\"id\":\"still-here\"}");
      assertThat(untouched.next().path("id").asString()).isEqualTo("still-here");
      assertThat(tap.next("deviceId", id.deviceId())).containsEntry("change", "opened");
      assertThat(tap.next("deviceId", id.deviceId()))
          .containsEntry("change", "closed")
          .containsEntry("reason", "revoked");
    }

    http.get()
        .uri("/api/users/me")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("unauthorized");
    http.get()
        .uri("/ws")
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isUnauthorized();
  }

  @Test
  void aTicketOfARevokedSessionIsRefused() throws Exception {
    TestTokens.Identity id = TestTokens.newIdentity();
    String ticket = SERVICES.issueTicket(id);
    broker.send(
        Destinations.DEVICE_SESSION_REVOKED,
        new DeviceSessionRevoked(
            UUID.randomUUID().toString(),
            Instant.now(),
            id.userId(),
            id.deviceId(),
            id.sessionId(),
            "refresh_token_reuse"));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> revoked.isRevoked(id.sessionId()));
    http.get()
        .uri("/ws?ticket=" + ticket)
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .exchange()
        .expectStatus()
        .isUnauthorized();
  }

  @Autowired com.parley.im.gateway.security.RevokedSessions revoked;
}
