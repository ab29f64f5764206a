package com.parley.im.user.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.parley.im.defaults.SecureIds;
import com.parley.im.user.UserProperties;
import java.time.Instant;
import java.util.Date;
import org.springframework.stereotype.Component;

/**
 * Issues ES256 access tokens with the claims agreed with the gateway: {@code iss=parley}, {@code
 * sub} user id, {@code did} device id, {@code sid} device session id, {@code iat}, {@code exp},
 * {@code jti}; header {@code kid}.
 */
@Component
public class AccessTokens {

  public static final String ISSUER = "parley";

  private final SigningKey key;
  private final SecureIds ids;
  private final UserProperties properties;

  public AccessTokens(SigningKey key, SecureIds ids, UserProperties properties) {
    this.key = key;
    this.ids = ids;
    this.properties = properties;
  }

  /** A signed token and its lifetime in seconds. */
  public record Issued(String token, long expiresIn) {}

  public Issued issue(String userId, String deviceId, String sessionId) {
    return issue(userId, deviceId, sessionId, Instant.now());
  }

  /** Issues a token as if it was made at {@code issuedAt} (tests use past instants). */
  public Issued issue(String userId, String deviceId, String sessionId, Instant issuedAt) {
    Instant expiresAt = issuedAt.plus(properties.accessTokenTtl());
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(userId)
            .claim("did", deviceId)
            .claim("sid", sessionId)
            .issueTime(Date.from(issuedAt))
            .expirationTime(Date.from(expiresAt))
            .jwtID(ids.uuid().toString())
            .build();
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.ES256)
            .type(JOSEObjectType.JWT)
            .keyID(key.publicJwk().getKeyID())
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(key.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot sign an access token", e);
    }
    return new Issued(jwt.serialize(), properties.accessTokenTtl().toSeconds());
  }
}
