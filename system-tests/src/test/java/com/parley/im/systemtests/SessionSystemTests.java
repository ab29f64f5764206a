package com.parley.im.systemtests;

import static com.parley.im.systemtests.ParleyClient.jwtPart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Account;
import com.parley.im.systemtests.ParleyClient.Session;
import com.parley.im.systemtests.WsConnection.Closed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Login, refresh rotation and logout: PROTOCOL.md "Accounts and sessions",
 * docs/internal-contracts.md.
 */
@ExtendWith(RunningSystem.class)
class SessionSystemTests {

  /** Revocation travels user-service -> outbox -> RabbitMQ -> gateway: asynchronous. */
  private static final Duration PROPAGATION = Duration.ofSeconds(15);

  private final ParleyClient client = new ParleyClient();

  @Test
  void loginOnTwoDevicesGivesTwoWorkingSessions() {
    Account account = client.register("login");

    JsonNode first =
        client
            .loginRaw(account.username(), ParleyClient.PASSWORD, "phone-1")
            .expectStatus(200)
            .json();
    JsonNode second =
        client
            .loginRaw(account.username(), ParleyClient.PASSWORD, "laptop_2")
            .expectStatus(200)
            .json();

    for (JsonNode login : List.of(first, second)) {
      assertThat(login.path("accessToken").asString()).isNotBlank();
      assertThat(login.path("refreshToken").asString()).isNotBlank();
      assertThat(login.path("expiresIn").asLong()).as("expiresIn").isPositive();
      assertThat(login.path("userId").asString()).isEqualTo(account.id());
    }
    assertThat(first.path("deviceId").asString()).isEqualTo("phone-1");
    assertThat(second.path("deviceId").asString()).isEqualTo("laptop_2");
    assertThat(first.path("accessToken").asString())
        .isNotEqualTo(second.path("accessToken").asString());
    assertThat(first.path("refreshToken").asString())
        .isNotEqualTo(second.path("refreshToken").asString());

    for (JsonNode login : List.of(first, second)) {
      JsonNode me = client.me(login.path("accessToken").asString()).expectStatus(200).json();
      assertThat(me.path("id").asString()).isEqualTo(account.id());
    }
  }

  @Test
  void theAccessTokenIsAnAsymmetricJwtForTheUserAndDevice() {
    Account account = client.register("jwt");
    Session session = client.login(account, "jwt-device");

    JsonNode header = jwtPart(session.accessToken(), 0);
    JsonNode claims = jwtPart(session.accessToken(), 1);
    assertThat(header.path("alg").asString())
        .as("alg")
        .isIn("ES256", "ES384", "ES512", "RS256", "PS256", "EdDSA");
    assertThat(header.path("kid").asString()).as("kid").isNotBlank();
    assertThat(claims.path("sub").asString()).as("sub").isEqualTo(account.id());
    assertThat(claims.path("did").asString()).as("did (device id)").isEqualTo("jwt-device");
    assertThat(claims.path("exp").asLong()).isGreaterThan(claims.path("iat").asLong());

    JsonNode jwks = client.get("/api/auth/jwks", null).expectStatus(200).json();
    assertThat(jwks.path("keys").values())
        .as("the token's key is published")
        .anyMatch(key -> header.path("kid").asString().equals(key.path("kid").asString()))
        .allSatisfy(key -> assertThat(key.has("d")).as("no private part in the JWK set").isFalse());
  }

  @Test
  void wrongPasswordOrUnknownUserIs401() {
    Account account = client.register("wrongpw");
    client.loginRaw(account.username(), "not the password", "pc").expectProblem(401);
    client.loginRaw(account.username() + "_nobody", ParleyClient.PASSWORD, "pc").expectProblem(401);
  }

  @Test
  void badDeviceIdIsAValidationProblem() {
    Account account = client.register("baddev");
    client
        .loginRaw(account.username(), ParleyClient.PASSWORD, "bad device!")
        .expectProblem(400, "validation_failed");
    client
        .loginRaw(account.username(), ParleyClient.PASSWORD, "d".repeat(65))
        .expectProblem(400, "validation_failed");
  }

  @Test
  void refreshRotatesAndAReusedTokenRevokesTheSession() {
    Account account = client.register("rotate");
    Session s1 = client.login(account, "rot-device");

    JsonNode pair2 = client.refresh(s1.refreshToken()).expectStatus(200).json();
    Session s2 = s1.refreshed(pair2);
    assertThat(s2.refreshToken())
        .as("a new refresh token")
        .isNotBlank()
        .isNotEqualTo(s1.refreshToken());
    assertThat(s2.accessToken()).as("a new access token").isNotBlank();
    client.me(s2.accessToken()).expectStatus(200);

    // The spent token is refused ...
    client.refresh(s1.refreshToken()).expectProblem(401);
    // ... and its reuse revoked the session: the newest refresh token stops working too.
    client.refresh(s2.refreshToken()).expectProblem(401);
  }

  @Test
  void aRevokedSessionsAccessTokenIsRefusedSoon() {
    Account account = client.register("revoke");
    Session s1 = client.login(account, "rev-device");
    Session s2 = s1.refreshed(client.refresh(s1.refreshToken()).expectStatus(200).json());
    client.refresh(s1.refreshToken()).expectProblem(401); // reuse: revokes the session

    await(
            "the revoked session's access token is refused (CONTRACTS-DRAFT: gateway refuses the sid)")
        .atMost(PROPAGATION)
        .untilAsserted(() -> client.me(s2.accessToken()).expectProblem(401));
  }

  @Test
  void logoutEndsOnlyThatDevicesSessionAndClosesItsSocket() {
    Account account = client.register("logout");
    Session phone = client.login(account, "phone");
    Session laptop = client.login(account, "laptop");

    try (WsConnection phoneSocket = WsConnection.withBearer(phone.accessToken());
        WsConnection laptopSocket = WsConnection.withBearer(laptop.accessToken())) {
      phoneSocket.awaitType("welcome");
      laptopSocket.awaitType("welcome");

      int status = client.logout(phone).status();
      assertThat(status).as("logout status").isIn(200, 204);

      Closed closed = phoneSocket.awaitClose();
      assertThat(closed.statusCode())
          .as("close code of the logged-out device's socket")
          .isEqualTo(4001);
      assertThat(phoneSocket.frames())
          .as("an `error` frame with code `closing` before the close")
          .anyMatch(
              f ->
                  "error".equals(f.path("type").asString())
                      && "closing".equals(f.path("code").asString()));

      client.refresh(phone.refreshToken()).expectProblem(401);
      await("the logged-out access token is refused")
          .atMost(PROPAGATION)
          .untilAsserted(() -> client.me(phone.accessToken()).expectProblem(401));

      // The other device is untouched.
      assertThat(laptopSocket.isClosed()).as("the other device's socket stays open").isFalse();
      laptopSocket.send(Map.of("type", "ping", "id", "still-there"));
      laptopSocket.awaitReply("pong", "still-there");
      client.me(laptop.accessToken()).expectStatus(200);
      client.refresh(laptop.refreshToken()).expectStatus(200);
    }
  }

  @Test
  void aNewLoginOnTheSameDeviceReplacesTheOldSession() {
    Account account = client.register("relogin");
    Session old = client.login(account, "tablet");
    Session fresh = client.login(account, "tablet");

    client.refresh(old.refreshToken()).expectProblem(401);
    client.me(fresh.accessToken()).expectStatus(200);
    client.refresh(fresh.refreshToken()).expectStatus(200);
  }
}
