package com.parley.im.defaults.serviceauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.Test;

/** What a service token must be to pass, and that a passed one is remembered only until it ends. */
class ServiceTokenVerifierTests {

  private final byte[] secret = random();
  private final ServiceKey key = new ServiceKey(secret);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final ServiceTokens tokens =
      new ServiceTokens(key, "gateway-service", Duration.ofMinutes(5), clock);
  private final ServiceTokenVerifier verifier =
      new ServiceTokenVerifier(key, Duration.ofSeconds(30), clock);

  @Test
  void acceptsTheTokensOfTheSharedKeyAgainAndAgain() {
    String authorization = tokens.authorization();
    assertThat(verifier.accepts(authorization)).isTrue();
    assertThat(verifier.accepts(authorization)).isTrue();
    assertThat(verifier.accepts(authorization.replace("Bearer ", "bearer "))).isTrue();
  }

  @Test
  void aRememberedTokenIsRefusedOnceItHasExpired() {
    String authorization = tokens.authorization();
    assertThat(verifier.accepts(authorization)).isTrue();
    clock.advance(Duration.ofMinutes(5).plusSeconds(31));
    assertThat(verifier.accepts(authorization)).isFalse();
  }

  @Test
  void callersMintANewTokenAfterHalfItsLife() {
    String first = tokens.authorization();
    clock.advance(Duration.ofMinutes(2));
    assertThat(tokens.authorization()).isEqualTo(first);
    clock.advance(Duration.ofSeconds(31));
    String second = tokens.authorization();
    assertThat(second).isNotEqualTo(first);
    assertThat(verifier.accepts(second)).isTrue();
  }

  @Test
  void refusesExpiredAndNotYetIssuedTokens() {
    Instant now = clock.instant();
    assertThat(
            verifier.accepts("Bearer " + tokens.sign(now.minusSeconds(600), now.minusSeconds(31))))
        .isFalse();
    assertThat(verifier.accepts("Bearer " + tokens.sign(now.plusSeconds(60), now.plusSeconds(300))))
        .isFalse();
  }

  @Test
  void refusesTokensOfAnotherKey() {
    ServiceTokens foreign =
        new ServiceTokens(
            new ServiceKey(random()), "gateway-service", Duration.ofMinutes(5), clock);
    assertThat(verifier.accepts(foreign.authorization())).isFalse();
  }

  @Test
  void refusesUnsignedTokensOtherAlgorithmsAndOtherAudiences() throws Exception {
    JWTClaimsSet claims = claims("parley", "parley-services");
    assertThat(verifier.accepts("Bearer " + new PlainJWT(claims).serialize())).isFalse();
    assertThat(verifier.accepts("Bearer " + signed(JWSAlgorithm.HS512, claims))).isFalse();
    assertThat(verifier.accepts("Bearer " + signed(JWSAlgorithm.HS256, claims))).isTrue();
    assertThat(
            verifier.accepts("Bearer " + signed(JWSAlgorithm.HS256, claims("parley", "clients"))))
        .isFalse();
    assertThat(
            verifier.accepts(
                "Bearer " + signed(JWSAlgorithm.HS256, claims("someone", "parley-services"))))
        .isFalse();
  }

  @Test
  void refusesWhatIsNotABearerToken() {
    assertThat(verifier.accepts(null)).isFalse();
    assertThat(verifier.accepts("")).isFalse();
    assertThat(verifier.accepts("Bearer ")).isFalse();
    assertThat(verifier.accepts("Bearer a.b.c")).isFalse();
    assertThat(verifier.accepts(tokens.authorization().substring(7))).isFalse();
    assertThat(verifier.accepts("Basic dXNlcjpwYXNz")).isFalse();
  }

  @Test
  void aKeyShorterThan256BitsIsRefusedAtStartUp() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ServiceKey(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    String base64 = Base64.getEncoder().encodeToString(secret);
    assertThat(
            ServiceTokenVerifier.of(base64)
                .accepts(ServiceTokens.of(base64, "x", Duration.ofMinutes(1)).authorization()))
        .isTrue();
  }

  private JWTClaimsSet claims(String issuer, String audience) {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject("gateway-service")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(60)))
        .build();
  }

  private String signed(JWSAlgorithm algorithm, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
    byte[] longer = new byte[64];
    System.arraycopy(secret, 0, longer, 0, secret.length);
    System.arraycopy(secret, 0, longer, secret.length, secret.length);
    jwt.sign(new MACSigner(algorithm == JWSAlgorithm.HS256 ? secret : longer));
    return jwt.serialize();
  }

  private static byte[] random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
