package com.parley.im.user.security;

import com.parley.im.defaults.security.ResourceServerSecurity;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * user-service is an OAuth2 resource server for its own bearer-protected endpoints. It verifies
 * tokens with its own public key (no HTTP call to itself), requires {@code iss=parley} and the
 * {@code sub}/{@code did}/{@code sid} claims, and refuses tokens whose device session was revoked.
 * Failures are problem details: {@code token_expired} for an expired token, {@code unauthorized}
 * otherwise (the shared chain and answers of im-service-defaults' {@code ResourceServerSecurity}).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

  /**
   * Reachable without an access token; a bearer header sent there anyway is ignored. The probes,
   * the actuator and {@code /internal/**} ({@code ResourceServerSecurity.ALWAYS_OPEN}) need a
   * service credential instead where they need one (ADR 0007).
   */
  static final ServerWebExchangeMatcher PUBLIC =
      new OrServerWebExchangeMatcher(
          List.of(
              ResourceServerSecurity.openPaths(List.of()),
              new PathPatternParserServerWebExchangeMatcher("/api/users", HttpMethod.POST),
              new PathPatternParserServerWebExchangeMatcher("/api/auth/login", HttpMethod.POST),
              new PathPatternParserServerWebExchangeMatcher("/api/auth/refresh", HttpMethod.POST),
              new PathPatternParserServerWebExchangeMatcher("/api/auth/jwks", HttpMethod.GET)));

  @Bean
  SecurityWebFilterChain securityWebFilterChain(
      ServerHttpSecurity http, ReactiveJwtDecoder decoder, JsonMapper json) {
    return ResourceServerSecurity.filterChain(http, decoder, json, PUBLIC);
  }

  @Bean
  ReactiveJwtDecoder jwtDecoder(SigningKey key, ActiveSessions sessions) {
    NimbusReactiveJwtDecoder nimbus =
        NimbusReactiveJwtDecoder.withJwkSource(signed -> Flux.just(key.publicJwk()))
            .jwsAlgorithm(SignatureAlgorithm.ES256)
            .build();
    // No clock skew: this service issued the token.
    nimbus.setJwtValidator(
        ResourceServerSecurity.accessTokenValidator(AccessTokens.ISSUER, Duration.ZERO));
    // A session check that fails (database down) answers 503, not 500.
    return ResourceServerSecurity.unavailableAsServiceFailure(
        token ->
            nimbus
                .decode(token)
                .filterWhen(jwt -> sessions.isActive(jwt.getClaimAsString("sid")))
                .switchIfEmpty(Mono.error(() -> new BadJwtException("The session has ended."))));
  }
}
