package com.parley.im.user.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.testsupport.EventTap;
import com.parley.im.user.IntegrationTestBase;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefreshTokenIntegrationTests extends IntegrationTestBase {

  @Test
  void rotatesTheRefreshTokenAndKeepsTheSession() {
    User user = register("rotate");
    Tokens first = login(user.username(), "phone");

    Tokens second = refresh(first.refreshToken());

    assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
    assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
    assertThat(second.claim("sid")).isEqualTo(first.claim("sid"));
    assertThat(second.userId()).isEqualTo(user.id());
    assertThat(second.deviceId()).isEqualTo("phone");
    getMe(second.accessToken()).expectStatus().isOk();
    assertThat(refresh(second.refreshToken()).claim("sid")).isEqualTo(first.claim("sid"));
  }

  @Test
  void reuseOfASpentTokenRevokesTheWholeSessionAndPublishesIt() {
    EventTap revoked = tap(Destinations.DEVICE_SESSION_REVOKED);
    User user = register("reuse");
    Tokens first = login(user.username(), "phone");
    Tokens second = refresh(first.refreshToken());

    expectProblem(refreshExchange(first.refreshToken()), 401, "invalid_refresh_token");

    expectProblem(refreshExchange(second.refreshToken()), 401, "invalid_refresh_token");
    expectProblem(getMe(second.accessToken()), 401, "unauthorized");
    Map<?, ?> event = revoked.next("sessionId", first.claim("sid"));
    assertThat(event.get("reason")).isEqualTo("refresh_token_reuse");
    assertThat(event.get("userId")).isEqualTo(user.id());
  }

  @Test
  void twoConcurrentRefreshesWithOneTokenCountAsReuse() throws Exception {
    Tokens tokens = login(register("race").username(), "phone");
    java.util.concurrent.Callable<Integer> refresh =
        () -> refreshExchange(tokens.refreshToken()).returnResult(String.class).getStatus().value();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var first = pool.submit(refresh);
      var second = pool.submit(refresh);
      java.util.List<Integer> statuses =
          new java.util.ArrayList<>(
              java.util.List.of(
                  first.get(30, java.util.concurrent.TimeUnit.SECONDS),
                  second.get(30, java.util.concurrent.TimeUnit.SECONDS)));
      java.util.Collections.sort(statuses);
      // The row lock serialises them: one rotates, the other finds the token spent.
      assertThat(statuses).containsExactly(200, 401);
    } finally {
      pool.shutdownNow();
    }
    // ... which ends the session, as any reuse does.
    expectProblem(getMe(tokens.accessToken()), 401, "unauthorized");
  }

  @Test
  void refusesUnknownTokensAndStoresOnlyHashes() {
    expectProblem(refreshExchange("no-such-token"), 401, "invalid_refresh_token");
    expectProblem(refreshExchange(""), 400, "validation_failed");

    Tokens tokens = login(register("hashes").username(), "phone");
    Long raw =
        db.sql("select count(*) from refresh_token where token_hash = :t")
            .bind("t", tokens.refreshToken())
            .map(row -> row.get(0, Long.class))
            .one()
            .block();
    Long hashed =
        db.sql("select count(*) from refresh_token where token_hash = :t")
            .bind("t", AuthService.sha256(tokens.refreshToken()))
            .map(row -> row.get(0, Long.class))
            .one()
            .block();
    assertThat(raw).isZero();
    assertThat(hashed).isOne();
  }

  private Tokens refresh(String refreshToken) {
    return refreshExchange(refreshToken)
        .expectStatus()
        .isOk()
        .expectBody(Tokens.class)
        .returnResult()
        .getResponseBody();
  }
}
