package com.parley.im.user.auth;

import static org.awaitility.Awaitility.await;

import com.parley.im.testsupport.TestInfrastructure;
import com.parley.im.testsupport.TestServiceTokens;
import com.parley.im.user.IntegrationTestBase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

class WsTicketIntegrationTests extends IntegrationTestBase {

  @Autowired ReactiveStringRedisTemplate redis;

  @Test
  void aTicketIsRedeemedOnceForItsUserDeviceAndSession() {
    User user = register("ticket");
    Tokens tokens = login(user.username(), "browser");
    String ticket = issue(tokens);

    redeem(ticket)
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.userId")
        .isEqualTo(user.id())
        .jsonPath("$.deviceId")
        .isEqualTo("browser")
        .jsonPath("$.sessionId")
        .isEqualTo(tokens.claim("sid"));

    expectProblem(redeem(ticket), 404, "invalid_ticket");
    expectProblem(redeem("no-such-ticket"), 404, "invalid_ticket");
    expectProblem(redeem("bad ticket!"), 400, "validation_failed");
  }

  /**
   * Issue 8 ("Why 1"): redeeming a ticket needs the service credential; anyone else who reaches the
   * port (127.0.0.1 included) is refused with 401 and the ticket stays unspent.
   */
  @Test
  void redemptionWithoutTheServiceCredentialIsRefusedAndSpendsNothing() {
    String ticket = issue(login(register("forged").username(), "browser"));
    for (String credential :
        new String[] {
          null, TestServiceTokens.signedWithAnotherKey(), TestServiceTokens.expired(), "Bearer x"
        }) {
      expectProblem(
          http.post()
              .uri("/internal/ws-tickets/redeem")
              .headers(
                  h -> {
                    if (credential != null) {
                      h.set("Authorization", credential);
                    }
                  })
              .contentType(MediaType.APPLICATION_JSON)
              .bodyValue(Map.of("ticket", ticket))
              .exchange(),
          401,
          "service_unauthorized");
    }
    redeem(ticket).expectStatus().isOk();
  }

  @Test
  void livesThirtySecondsInRedisUnderTheServicePrefix() {
    Tokens tokens = login(register("ttl").username(), "browser");
    String ticket = issue(tokens);
    String key = TestInfrastructure.get().redisPrefix("user") + "ws-ticket:" + ticket;

    Duration ttl = redis.getExpire(key).block(Duration.ofSeconds(5));
    org.assertj.core.api.Assertions.assertThat(ttl)
        .isPositive()
        .isLessThanOrEqualTo(Duration.ofSeconds(30));

    // Let it expire now instead of waiting 30 s.
    redis.expire(key, Duration.ofMillis(1)).block(Duration.ofSeconds(5));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> expectProblem(redeem(ticket), 404, "invalid_ticket"));
  }

  @Test
  void aTicketOfAnEndedSessionIsRefused() {
    Tokens tokens = login(register("ticketout").username(), "browser");
    String ticket = issue(tokens);
    http.post()
        .uri("/api/auth/logout")
        .headers(h -> h.setBearerAuth(tokens.accessToken()))
        .exchange()
        .expectStatus()
        .isNoContent();
    expectProblem(redeem(ticket), 404, "invalid_ticket");
  }

  @Test
  void issuingNeedsABearerToken() {
    expectProblem(http.post().uri("/api/auth/ws-ticket").exchange(), 401, "unauthorized");
  }

  private String issue(Tokens tokens) {
    Map<?, ?> body = issueTicket(tokens);
    org.assertj.core.api.Assertions.assertThat(body.get("expiresIn")).isEqualTo(30);
    return (String) body.get("ticket");
  }

  private WebTestClient.ResponseSpec redeem(String ticket) {
    return http.post()
        .uri("/internal/ws-tickets/redeem")
        .header("Authorization", TestServiceTokens.authorization())
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("ticket", ticket))
        .exchange();
  }
}
