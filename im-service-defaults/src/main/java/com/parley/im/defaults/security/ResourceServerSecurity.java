package com.parley.im.defaults.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stateless bearer-token filter chain every Parley service uses: no session, no CSRF, no form
 * login; paths matched by {@code open} need no token (and a bearer header sent there anyway is
 * ignored); everything else needs a valid access token; failures are problem details ({@link
 * SecurityProblems}).
 */
public final class ResourceServerSecurity {

  /**
   * Not for access tokens in any service: the probes on the service port, and the actuator and
   * internal calls, which need a service credential instead (checked before this chain by
   * im-service-defaults' {@code ServiceAuthenticationFilter}, ADR 0007).
   */
  public static final List<String> ALWAYS_OPEN =
      List.of("/livez", "/readyz", "/actuator/**", "/internal/**");

  private ResourceServerSecurity() {}

  /** Builds the chain. */
  public static SecurityWebFilterChain filterChain(
      ServerHttpSecurity http,
      ReactiveJwtDecoder decoder,
      JsonMapper json,
      ServerWebExchangeMatcher open) {
    ServerAuthenticationEntryPoint entryPoint = SecurityProblems.entryPoint(json);
    ServerAccessDeniedHandler denied = SecurityProblems.accessDenied(json);
    ServerBearerTokenAuthenticationConverter bearer =
        new ServerBearerTokenAuthenticationConverter();
    ServerAuthenticationConverter bearerOutsideOpenPaths =
        exchange ->
            open.matches(exchange)
                .flatMap(match -> match.isMatch() ? Mono.empty() : bearer.convert(exchange));
    return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .authorizeExchange(
            exchanges -> exchanges.matchers(open).permitAll().anyExchange().authenticated())
        .exceptionHandling(
            handling -> handling.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied))
        .oauth2ResourceServer(
            server ->
                server
                    .authenticationEntryPoint(entryPoint)
                    .accessDeniedHandler(denied)
                    .authenticationFailureHandler(SecurityProblems.failureHandler(json))
                    .bearerTokenConverter(bearerOutsideOpenPaths)
                    .jwt(jwt -> jwt.jwtDecoder(decoder)))
        .build();
  }

  /**
   * The decoder, except that a failure that is not about the token itself (Nimbus answers an
   * unreachable JWK set with an {@code IllegalStateException}) becomes a plain {@link
   * JwtException}, which Spring Security reports as an authentication service failure: 503 {@code
   * service_unavailable} rather than a 500.
   */
  public static ReactiveJwtDecoder unavailableAsServiceFailure(ReactiveJwtDecoder decoder) {
    return token ->
        decoder
            .decode(token)
            .onErrorMap(
                e -> !(e instanceof JwtException),
                e -> new JwtException("The access token cannot be checked right now", e));
  }

  /** A matcher of {@link #ALWAYS_OPEN} plus {@code more} path patterns (any method). */
  public static ServerWebExchangeMatcher openPaths(List<String> more) {
    List<ServerWebExchangeMatcher> matchers = new ArrayList<>();
    for (String pattern : ALWAYS_OPEN) {
      matchers.add(new PathPatternParserServerWebExchangeMatcher(pattern));
    }
    for (String pattern : more) {
      matchers.add(new PathPatternParserServerWebExchangeMatcher(pattern));
    }
    return new OrServerWebExchangeMatcher(matchers);
  }

  /**
   * The claims every Parley access token must have: {@code iss}, an unexpired {@code exp}, and
   * non-blank {@code sub} (user), {@code did} (device) and {@code sid} (device session).
   */
  public static OAuth2TokenValidator<Jwt> accessTokenValidator(
      String issuer, java.time.Duration clockSkew) {
    return new DelegatingOAuth2TokenValidator<>(
        new JwtIssuerValidator(issuer),
        SecurityProblems.notExpired(clockSkew),
        new JwtClaimValidator<String>("sub", s -> s != null && !s.isBlank()),
        new JwtClaimValidator<String>("did", s -> s != null && !s.isBlank()),
        new JwtClaimValidator<String>("sid", s -> s != null && !s.isBlank()));
  }
}
