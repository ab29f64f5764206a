package com.parley.im.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.PactDslJsonBody;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.parley.im.gateway.ConsumerPacts;
import com.parley.im.gateway.GatewayProperties;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The gateway's pact with user-service's JWK set (ADR 0027): the real decoder of {@link
 * TokenVerification} fetches the keys from Pact's mock server and verifies a token with them. The
 * key in the pact is a fixed test key (its private half is below, for this test alone), so the
 * checked-in pact does not change from run to run; user-service answers with its own key.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = "user-service")
class UserServiceJwksPactTests {

  private static final ECKey EXAMPLE_KEY =
      parse(
          "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"example-key\","
              + "\"x\":\"7_-QLDYvoz1ei795VtkZ3FglUA0r1flWYUHH-1HmhPI\","
              + "\"y\":\"TvxWVtf8Xx-bxdLk8RdzPbMSsb1QGj7KUc0KXUgT-FI\","
              + "\"d\":\"yV4APEc466DgK_NqC6endaq8sHO7LIA5gcB6Qis-3u0\"}");

  @Pact(consumer = "gateway-service")
  V4Pact theKeySet(PactDslWithProvider builder) {
    return builder
        .uponReceiving("a request for the JWK set")
        .method("GET")
        .path("/api/auth/jwks")
        .willRespondWith()
        .status(200)
        .matchHeader("Content-Type", "application/(jwk-set\\+)?json.*", "application/json")
        .body(
            new PactDslJsonBody()
                .minArrayLike("keys", 1)
                .stringValue("kty", "EC")
                .stringValue("crv", "P-256")
                .stringType("kid", EXAMPLE_KEY.getKeyID())
                .stringType("x", EXAMPLE_KEY.getX().toString())
                .stringType("y", EXAMPLE_KEY.getY().toString())
                .closeObject()
                .closeArray())
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "theKeySet")
  void aTokenSignedWithAKeyOfTheSetIsAccepted(MockServer userService) {
    GatewayProperties properties =
        ConsumerPacts.properties(
            "im.gateway.tokens.jwks-uri", userService.getUrl() + "/api/auth/jwks");
    var decoder =
        new TokenVerification()
            .jwtDecoder(properties, new RevokedSessions(properties), WebClient.builder());

    Jwt jwt = decoder.decode(token()).block(Duration.ofSeconds(10));

    assertThat(jwt.getSubject()).isEqualTo("u-alice");
    assertThat(jwt.getClaimAsString("sid")).isEqualTo("s-1");
  }

  private static String token() {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer("parley")
            .subject("u-alice")
            .claim("did", "phone")
            .claim("sid", "s-1")
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(EXAMPLE_KEY.getKeyID()).build(),
            claims);
    try {
      jwt.sign(new ECDSASigner(EXAMPLE_KEY));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static ECKey parse(String jwk) {
    try {
      return ECKey.parse(jwk);
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }
}
