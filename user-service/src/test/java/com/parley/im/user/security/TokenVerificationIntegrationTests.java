package com.parley.im.user.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.parley.im.user.IntegrationTestBase;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** 401 problem details for missing, invalid, foreign, expired and revoked tokens. */
class TokenVerificationIntegrationTests extends IntegrationTestBase {

  @Autowired AccessTokens accessTokens;

  @Test
  void missingOrGarbageTokensGetAnUnauthorizedProblem() {
    expectProblem(http.get().uri("/api/users/me").exchange(), 401, "unauthorized");
    expectProblem(getMe("not.a.jwt"), 401, "unauthorized");
    expectProblem(http.get().uri("/api/nothing-here").exchange(), 401, "unauthorized");
  }

  @Test
  void expiredTokensGetTokenExpired() {
    Tokens tokens = login(register("expired").username(), "phone");
    String expired =
        accessTokens
            .issue(tokens.userId(), "phone", tokens.claim("sid"), Instant.now().minusSeconds(3600))
            .token();
    expectProblem(getMe(expired), 401, "token_expired");
  }

  @Test
  void tokensSignedWithAnotherKeyAreRefused() throws Exception {
    Tokens tokens = login(register("forged").username(), "phone");
    var foreign = new ECKeyGenerator(Curve.P_256).keyID("attacker").generate();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer("parley")
            .subject(tokens.userId())
            .claim("did", "phone")
            .claim("sid", tokens.claim("sid"))
            .issueTime(new Date())
            .expirationTime(Date.from(Instant.now().plusSeconds(600)))
            .build();
    SignedJWT forged =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("attacker").build(), claims);
    forged.sign(new ECDSASigner(foreign));
    expectProblem(getMe(forged.serialize()), 401, "unauthorized");
  }

  @Test
  void publicEndpointsIgnoreAStaleBearerHeader() {
    http.get()
        .uri("/api/auth/jwks")
        .headers(h -> h.setBearerAuth("stale"))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.keys[0].kty")
        .isEqualTo("EC")
        .jsonPath("$.keys[0].crv")
        .isEqualTo("P-256")
        .jsonPath("$.keys[0].kid")
        .isNotEmpty()
        .jsonPath("$.keys[0].d")
        .doesNotExist();
  }
}
