package com.parley.im.relation;

import com.parley.im.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

/** The shared resource-server defaults of im-service-defaults, as relation-service gets them. */
class SecurityIntegrationTests extends IntegrationTestBase {

  @Test
  void missingGarbageAndForeignTokensGetUnauthorized() {
    expectProblem(http.get().uri("/api/friends").exchange(), 401, "unauthorized");
    expectProblem(
        http.get().uri("/api/friends").headers(h -> h.setBearerAuth("not.a.jwt")).exchange(),
        401,
        "unauthorized");
    String foreign = TestTokens.foreignAccessToken(user("sec").id(), "phone");
    expectProblem(
        http.get().uri("/api/friends").headers(h -> h.setBearerAuth(foreign)).exchange(),
        401,
        "unauthorized");
  }

  @Test
  void expiredTokensGetTokenExpired() {
    String expired = TestTokens.expiredAccessToken(user("sec").id(), "phone");
    expectProblem(
        http.get().uri("/api/friends").headers(h -> h.setBearerAuth(expired)).exchange(),
        401,
        "token_expired");
  }

  @Test
  void probesAreOpenAndIgnoreAStaleBearerHeader() {
    http.get()
        .uri("/livez")
        .headers(h -> h.setBearerAuth("stale"))
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void aValidTokenOfAnyUserIsEnough() {
    get(stranger(), "/api/friends").expectStatus().isOk().expectBody().json("[]");
  }
}
