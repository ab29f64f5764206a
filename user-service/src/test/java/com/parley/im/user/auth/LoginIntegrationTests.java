package com.parley.im.user.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import com.parley.im.events.Destinations;
import com.parley.im.testsupport.EventTap;
import com.parley.im.user.IntegrationTestBase;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginIntegrationTests extends IntegrationTestBase {

  @Test
  void issuesAnEs256AccessTokenWithTheAgreedClaimsAndARefreshToken() throws Exception {
    User user = register("login");
    Tokens tokens = login(user.username().toUpperCase(java.util.Locale.ROOT), "phone-1");

    assertThat(tokens.userId()).isEqualTo(user.id());
    assertThat(tokens.deviceId()).isEqualTo("phone-1");
    assertThat(tokens.expiresIn()).isEqualTo(900);
    assertThat(tokens.refreshToken()).hasSizeGreaterThanOrEqualTo(43);

    SignedJWT jwt = SignedJWT.parse(tokens.accessToken());
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    String jwks =
        http.get()
            .uri("/api/auth/jwks")
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .valueMatches("Cache-Control", ".*max-age.*")
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    ECKey key = (ECKey) JWKSet.parse(jwks).getKeyByKeyId(jwt.getHeader().getKeyID());
    assertThat(key).isNotNull();
    assertThat(key.isPrivate()).isFalse();
    assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();

    var claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo("parley");
    assertThat(claims.getSubject()).isEqualTo(user.id());
    assertThat(claims.getStringClaim("did")).isEqualTo("phone-1");
    assertThat(claims.getStringClaim("sid")).isNotBlank();
    assertThat(claims.getJWTID()).isNotBlank();
    assertThat(claims.getIssueTime()).isNotNull();
    assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime())
        .isEqualTo(900_000);
  }

  @Test
  void answersUnknownUserAndWrongPasswordTheSameWay() {
    User user = register("wrongpw");
    Map<?, ?> wrong =
        loginExchange(user.username(), "not the password", "d", uniqueAddress())
            .expectStatus()
            .isUnauthorized()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    Map<?, ?> unknown =
        loginExchange(uniqueName("ghost"), "not the password", "d", uniqueAddress())
            .expectStatus()
            .isUnauthorized()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(wrong.get("code")).isEqualTo("invalid_credentials");
    wrong.remove("instance");
    unknown.remove("instance");
    assertThat(unknown).isEqualTo(wrong);
  }

  @Test
  void refusesABadDeviceId() {
    User user = register("baddev");
    expectProblem(
        loginExchange(user.username(), PASSWORD, "has space", uniqueAddress()),
        400,
        "validation_failed");
    expectProblem(
        loginExchange(user.username(), PASSWORD, "x".repeat(65), uniqueAddress()),
        400,
        "validation_failed");
    expectProblem(
        loginExchange("nul\u0000name", PASSWORD, "d", uniqueAddress()), 400, "validation_failed");
  }

  @Test
  void keepsOneSessionPerDeviceOnTwoDevices() {
    User user = register("twodev");
    Tokens phone = login(user.username(), "phone");
    Tokens laptop = login(user.username(), "laptop");

    assertThat(phone.claim("sid")).isNotEqualTo(laptop.claim("sid"));
    getMe(phone.accessToken()).expectStatus().isOk();
    getMe(laptop.accessToken()).expectStatus().isOk();
  }

  @Test
  void aNewLoginOnTheSameDeviceReplacesTheOldSession() {
    EventTap revoked = tap(Destinations.DEVICE_SESSION_REVOKED);
    User user = register("replace");
    Tokens first = login(user.username(), "phone");
    Tokens second = login(user.username(), "phone");

    getMe(second.accessToken()).expectStatus().isOk();
    expectProblem(getMe(first.accessToken()), 401, "unauthorized");
    expectProblem(refreshExchange(first.refreshToken()), 401, "invalid_refresh_token");

    Map<?, ?> event = revoked.next("sessionId", first.claim("sid"));
    assertThat(event.get("userId")).isEqualTo(user.id());
    assertThat(event.get("deviceId")).isEqualTo("phone");
    assertThat(event.get("reason")).isEqualTo("replaced");
  }
}
