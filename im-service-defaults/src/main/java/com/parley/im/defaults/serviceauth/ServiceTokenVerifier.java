package com.parley.im.defaults.serviceauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks service tokens (ADR 0007): HS256 with the shared {@link ServiceKey} (no other algorithm),
 * {@code iss=parley}, {@code aud} containing {@code parley-services}, a {@code sub}, issued no
 * later than now and not expired (both give or take {@code clockSkew}).
 *
 * <p>Cheap on the message path: a token that passed is remembered with its expiry (callers reuse
 * one token for minutes), so the next request with it costs a map lookup and a clock read; only a
 * new token is parsed and its MAC computed. Refused tokens are not remembered, and the memory is
 * bounded ({@link #CACHE_LIMIT} tokens, then it starts again), so garbage cannot fill it.
 */
public final class ServiceTokenVerifier {

  static final int CACHE_LIMIT = 1024;

  private final MACVerifier verifier;
  private final Duration clockSkew;
  private final Clock clock;
  private final Map<String, Instant> verified = new ConcurrentHashMap<>();

  ServiceTokenVerifier(ServiceKey key, Duration clockSkew, Clock clock) {
    try {
      this.verifier = new MACVerifier(key.secret());
    } catch (JOSEException e) {
      throw new IllegalArgumentException("The service key cannot verify", e);
    }
    this.clockSkew = clockSkew;
    this.clock = clock;
  }

  /** A verifier of this base64 key (tests' stand-ins; services get theirs injected). */
  public static ServiceTokenVerifier of(String base64Key) {
    return new ServiceTokenVerifier(
        ServiceKey.from(new ServiceAuthProperties(null, base64Key, Duration.ofMinutes(5), null)),
        Duration.ofSeconds(30),
        Clock.systemUTC());
  }

  /**
   * Whether {@code authorization} (a header value, {@code Bearer <token>}) is a valid credential.
   */
  public boolean accepts(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    String token = authorization.substring(7).strip();
    Instant now = clock.instant();
    Instant expiresAt = verified.get(token);
    if (expiresAt != null) {
      if (now.isBefore(expiresAt.plus(clockSkew))) {
        return true;
      }
      verified.remove(token);
      return false;
    }
    expiresAt = verify(token, now);
    if (expiresAt == null) {
      return false;
    }
    if (verified.size() >= CACHE_LIMIT) {
      verified.clear();
    }
    verified.put(token, expiresAt);
    return true;
  }

  /** The token's expiry when it is valid now, else null. */
  private Instant verify(String token, Instant now) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return null;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      Date iat = claims.getIssueTime();
      if (!ServiceTokens.ISSUER.equals(claims.getIssuer())
          || claims.getAudience() == null
          || !claims.getAudience().contains(ServiceTokens.AUDIENCE)
          || claims.getSubject() == null
          || claims.getSubject().isBlank()
          || exp == null
          || iat == null) {
        return null;
      }
      Instant expiresAt = exp.toInstant();
      if (!now.isBefore(expiresAt.plus(clockSkew))
          || iat.toInstant().isAfter(now.plus(clockSkew))) {
        return null;
      }
      return expiresAt;
    } catch (ParseException | JOSEException | RuntimeException e) {
      return null;
    }
  }
}
