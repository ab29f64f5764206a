package com.parley.im.defaults.serviceauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * The credential this service presents when it calls another one's {@code /internal/**} or
 * management endpoints (ADR 0007): a JWT signed with the shared {@link ServiceKey} (HS256), {@code
 * iss=parley}, {@code aud=parley-services}, {@code sub} = this service's name, valid for {@code
 * im.service-auth.token-ttl} (5 min). One token is minted and reused until half its life is over,
 * so a call costs a volatile read.
 *
 * <p>Use {@link #filter()} on a {@link org.springframework.web.reactive.function.client.WebClient}
 * that calls internal endpoints; it sets {@code Authorization: Bearer <token>}.
 */
public final class ServiceTokens {

  static final String ISSUER = "parley";
  static final String AUDIENCE = "parley-services";

  private final MACSigner signer;
  private final String caller;
  private final Duration ttl;
  private final Clock clock;
  private volatile Minted current;

  private record Minted(String authorization, Instant renewAfter) {}

  ServiceTokens(ServiceKey key, String caller, Duration ttl, Clock clock) {
    try {
      this.signer = new MACSigner(key.secret());
    } catch (JOSEException e) {
      throw new IllegalArgumentException("The service key cannot sign", e);
    }
    this.caller = caller;
    this.ttl = ttl;
    this.clock = clock;
    this.current = mint();
  }

  /** Tokens of {@code caller} signed with this base64 key (tests; services get theirs injected). */
  public static ServiceTokens of(String base64Key, String caller, Duration ttl) {
    return new ServiceTokens(
        ServiceKey.from(new ServiceAuthProperties(null, base64Key, ttl, Duration.ZERO)),
        caller,
        ttl,
        Clock.systemUTC());
  }

  /** The value of the {@code Authorization} header for a call to another service. */
  public String authorization() {
    Minted minted = current;
    if (clock.instant().isAfter(minted.renewAfter())) {
      minted = mint();
      current = minted;
    }
    return minted.authorization();
  }

  /** Adds this service's credential to every request of the client it is applied to. */
  public ExchangeFilterFunction filter() {
    return (request, next) ->
        next.exchange(
            ClientRequest.from(request)
                .headers(headers -> headers.set(HttpHeaders.AUTHORIZATION, authorization()))
                .build());
  }

  private Minted mint() {
    Instant now = clock.instant();
    return new Minted("Bearer " + sign(now, now.plus(ttl)), now.plus(ttl.dividedBy(2)));
  }

  /** A token issued at {@code issuedAt} that expires at {@code expiresAt} (tests mint odd ones). */
  public String sign(Instant issuedAt, Instant expiresAt) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .subject(caller)
            .issueTime(Date.from(issuedAt))
            .expirationTime(Date.from(expiresAt))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot sign a service token", e);
    }
    return jwt.serialize();
  }
}
