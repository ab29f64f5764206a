package com.parley.im.user.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.user.IntegrationTestBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A slowdown, never a lock-out (issue 8). Test limits: 5 failures per username and address, 8 per
 * address for unknown usernames (see IntegrationTestBase).
 */
class LoginThrottleIntegrationTests extends IntegrationTestBase {

  @Test
  void aGuessedAccountIsSlowedDownFromThatAddressOnlyAndThenSignsInAgain() {
    User user = register("throttled");
    String attacker = uniqueAddress();
    for (int i = 0; i < 5; i++) {
      expectProblem(
          loginExchange(user.username(), "wrong password", "d", attacker),
          401,
          "invalid_credentials");
    }

    String retryAfter =
        loginExchange(user.username(), PASSWORD, "d", attacker)
            .expectStatus()
            .isEqualTo(429)
            .expectHeader()
            .exists("Retry-After")
            .returnResult(String.class)
            .getResponseHeaders()
            .getFirst("Retry-After");
    assertThat(Long.parseLong(retryAfter)).isBetween(1L, 2L);
    expectProblem(
        loginExchange(user.username().toUpperCase(java.util.Locale.ROOT), PASSWORD, "d", attacker),
        429,
        "rate_limited");
    // The owner, elsewhere, is not slowed at all.
    loginExchange(user.username(), PASSWORD, "d", uniqueAddress()).expectStatus().isOk();
    // From the attacker's address too, once the short wait is over: a slowdown, not a lock-out.
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () ->
                loginExchange(user.username(), PASSWORD, "d2", attacker)
                        .returnResult(String.class)
                        .getStatus()
                        .value()
                    == 200);
  }

  @Test
  void eachFurtherFailureDoublesTheWait() {
    User user = register("doubling");
    String address = uniqueAddress();
    for (int i = 0; i < 5; i++) {
      loginExchange(user.username(), "wrong", "d", address).expectStatus().isUnauthorized();
    }
    // Once the first wait (1 s) is over, a wrong password is judged again (401, where attempts
    // during the wait are turned away with 429 unjudged); that failure makes the wait 2 s.
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                loginExchange(user.username(), "wrong", "d", address)
                        .returnResult(String.class)
                        .getStatus()
                        .value()
                    == 401);
    String retryAfter =
        loginExchange(user.username(), PASSWORD, "d", address)
            .expectStatus()
            .isEqualTo(429)
            .returnResult(String.class)
            .getResponseHeaders()
            .getFirst("Retry-After");
    assertThat(Long.parseLong(retryAfter)).isEqualTo(2L);
  }

  @Test
  void sprayingUnknownUsernamesSlowsTheAddressButNotItsRealUsers() {
    String office = uniqueAddress();
    User colleague = register("colleague");
    for (int i = 0; i < 8; i++) {
      expectProblem(
          loginExchange(uniqueName("nobody"), "wrong password", "d", office),
          401,
          "invalid_credentials");
    }
    expectProblem(loginExchange(uniqueName("nobody"), "guess", "d", office), 429, "rate_limited");
    // Everyone behind the same NAT address with a real account signs in.
    loginExchange(colleague.username(), PASSWORD, "d", office).expectStatus().isOk();
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
