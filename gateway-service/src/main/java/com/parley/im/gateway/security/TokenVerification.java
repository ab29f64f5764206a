package com.parley.im.gateway.security;

import com.parley.im.gateway.GatewayProperties;
import com.parley.im.protocol.ErrorCodes;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/**
 * The one {@link ReactiveJwtDecoder} of the gateway, used for REST and for the WebSocket handshake:
 * ES256 signatures checked against user-service's JWK set (fetched without blocking and cached),
 * issuer {@code parley}, expiry with a small clock skew, the claims every Parley token carries
 * ({@code sub}, {@code did}, {@code sid}), and a {@code sid} that was not revoked.
 */
@Configuration(proxyBeanMethods = false)
class TokenVerification {

  /**
   * The OAuth2 error code of a token whose device session ended (answered {@code unauthorized}).
   */
  static final String SESSION_REVOKED = "session_revoked";

  @Bean
  ReactiveJwtDecoder jwtDecoder(
      GatewayProperties properties, RevokedSessions revoked, WebClient.Builder webClients) {
    GatewayProperties.Tokens tokens = properties.tokens();
    // The key set is fetched once and again only for an unknown kid; a hanging user-service must
    // not hang every request, hence the timeouts (a failure is answered 503, not 401).
    HttpClient http =
        HttpClient.create()
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
            .responseTimeout(Duration.ofSeconds(3));
    NimbusReactiveJwtDecoder decoder =
        NimbusReactiveJwtDecoder.withJwkSetUri(tokens.jwksUri().toString())
            .jwsAlgorithm(SignatureAlgorithm.ES256)
            .webClient(
                webClients.clone().clientConnector(new ReactorClientHttpConnector(http)).build())
            .build();
    decoder.setJwtValidator(
        new DelegatingOAuth2TokenValidator<>(
            new ExpiryValidator(tokens.clockSkew(), Clock.systemUTC()),
            new JwtIssuerValidator(tokens.issuer()),
            new RequiredClaimsValidator(),
            new NotRevokedValidator(revoked)));
    return decoder;
  }

  /** {@code exp} is required and in the future; {@code nbf}, when present, in the past. */
  static final class ExpiryValidator implements OAuth2TokenValidator<Jwt> {
    private final Duration skew;
    private final Clock clock;

    ExpiryValidator(Duration skew, Clock clock) {
      this.skew = skew;
      this.clock = clock;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
      Instant now = clock.instant();
      Instant expiresAt = jwt.getExpiresAt();
      if (expiresAt == null) {
        return failure("invalid_token", "The token has no expiry.");
      }
      if (now.minus(skew).isAfter(expiresAt)) {
        return failure(ErrorCodes.TOKEN_EXPIRED, "The token expired at " + expiresAt + ".");
      }
      Instant notBefore = jwt.getNotBefore();
      if (notBefore != null && now.plus(skew).isBefore(notBefore)) {
        return failure("invalid_token", "The token is not valid yet.");
      }
      return OAuth2TokenValidatorResult.success();
    }
  }

  /** {@code sub}, {@code did} and {@code sid} are present and non-blank. */
  static final class RequiredClaimsValidator implements OAuth2TokenValidator<Jwt> {
    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
      for (String claim : new String[] {"sub", "did", "sid"}) {
        String value = jwt.getClaimAsString(claim);
        if (value == null || value.isBlank()) {
          return failure("invalid_token", "The token has no " + claim + " claim.");
        }
      }
      return OAuth2TokenValidatorResult.success();
    }
  }

  /** The token's device session was not revoked. */
  static final class NotRevokedValidator implements OAuth2TokenValidator<Jwt> {
    private final RevokedSessions revoked;

    NotRevokedValidator(RevokedSessions revoked) {
      this.revoked = revoked;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
      return revoked.isRevoked(jwt.getClaimAsString("sid"))
          ? failure(SESSION_REVOKED, "The device session has ended.")
          : OAuth2TokenValidatorResult.success();
    }
  }

  private static OAuth2TokenValidatorResult failure(String code, String description) {
    return OAuth2TokenValidatorResult.failure(new OAuth2Error(code, description, null));
  }
}
