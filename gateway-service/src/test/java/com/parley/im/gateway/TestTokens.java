package com.parley.im.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Signs access tokens the way user-service does (ES256, P-256, {@code kid}), for tests. */
public final class TestTokens {

  private static final ECKey KEY = generate("test-key");
  private static final ECKey OTHER_KEY = generate("test-key");

  private TestTokens() {}

  /** The public JWK set that the fake user-service serves. */
  public static String jwks() {
    return new JWKSet(KEY.toPublicJWK()).toString();
  }

  /** A fresh identity: user, device and session ids that no other test uses. */
  public static Identity newIdentity() {
    String n = UUID.randomUUID().toString().substring(0, 8);
    return new Identity("u-" + n, "d-" + n, "s-" + n);
  }

  public static String valid(Identity id) {
    return sign(KEY, id, Instant.now().plus(Duration.ofMinutes(15)), "parley");
  }

  public static String expired(Identity id) {
    return sign(KEY, id, Instant.now().minus(Duration.ofMinutes(5)), "parley");
  }

  public static String signedByAnotherKey(Identity id) {
    return sign(OTHER_KEY, id, Instant.now().plus(Duration.ofMinutes(15)), "parley");
  }

  public static String wrongIssuer(Identity id) {
    return sign(KEY, id, Instant.now().plus(Duration.ofMinutes(15)), "someone-else");
  }

  private static String sign(ECKey key, Identity id, Instant expiresAt, String issuer) {
    Instant issuedAt = expiresAt.minus(Duration.ofMinutes(15));
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(id.userId())
            .claim("did", id.deviceId())
            .claim("sid", id.sessionId())
            .issueTime(Date.from(issuedAt))
            .expirationTime(Date.from(expiresAt))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static ECKey generate(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Who a token or ticket names. */
  public record Identity(String userId, String deviceId, String sessionId) {}
}
