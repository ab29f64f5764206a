package com.parley.im.user.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.user.IntegrationTestBase;
import org.junit.jupiter.api.Test;

/** Test limits: 5 failures per username, 8 per address (see IntegrationTestBase). */
class LoginThrottleIntegrationTests extends IntegrationTestBase {

  @Test
  void throttlesAUsernameAfterFiveFailuresEvenWithTheRightPassword() {
    User user = register("throttled");
    for (int i = 0; i < 5; i++) {
      expectProblem(
          loginExchange(user.username(), "wrong password", "d", uniqueAddress()),
          401,
          "invalid_credentials");
    }

    var response = loginExchange(user.username(), PASSWORD, "d", uniqueAddress());
    String retryAfter =
        response
            .expectStatus()
            .isEqualTo(429)
            .expectHeader()
            .exists("Retry-After")
            .returnResult(String.class)
            .getResponseHeaders()
            .getFirst("Retry-After");
    assertThat(Long.parseLong(retryAfter)).isBetween(1L, 15 * 60L);
    expectProblem(
        loginExchange(
            user.username().toUpperCase(java.util.Locale.ROOT), PASSWORD, "d", uniqueAddress()),
        429,
        "rate_limited");
  }

  @Test
  void throttlesAClientAddressAfterEightFailuresAcrossUsernames() {
    String address = uniqueAddress();
    User user = register("addrvictim");
    for (int i = 0; i < 8; i++) {
      expectProblem(
          loginExchange(uniqueName("nobody"), "wrong password", "d", address),
          401,
          "invalid_credentials");
    }
    expectProblem(loginExchange(user.username(), PASSWORD, "d", address), 429, "rate_limited");
    loginExchange(user.username(), PASSWORD, "d", uniqueAddress()).expectStatus().isOk();
  }

  @Test
  void successfulLoginsAreNeverCounted() {
    User user = register("manylogins");
    String address = uniqueAddress();
    for (int i = 0; i < 12; i++) {
      loginExchange(user.username(), PASSWORD, "d" + i, address).expectStatus().isOk();
    }
  }
}
