package com.parley.im.user.security;

import com.parley.im.protocol.ErrorCodes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
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
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * user-service is an OAuth2 resource server for its own bearer-protected endpoints. It verifies
 * tokens with its own public key (no HTTP call to itself), requires {@code iss=parley} and the
 * {@code sub}/{@code did}/{@code sid} claims, and refuses tokens whose device session was revoked.
 * Failures are problem details: {@code token_expired} for an expired token, {@code unauthorized}
 * otherwise.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

  private static final String EXPIRED = ErrorCodes.TOKEN_EXPIRED;

  /** Reachable without a token; a bearer header sent there anyway is ignored. */
  static final ServerWebExchangeMatcher PUBLIC =
      new OrServerWebExchangeMatcher(
          List.of(
              new PathPatternParserServerWebExchangeMatcher("/actuator/health/**"),
              new PathPatternParserServerWebExchangeMatcher("/actuator/prometheus"),
              new PathPatternParserServerWebExchangeMatcher("/internal/**"),
              new PathPatternParserServerWebExchangeMatcher("/api/users", HttpMethod.POST),
              new PathPatternParserServerWebExchangeMatcher("/api/auth/login", HttpMethod.POST),
              new PathPatternParserServerWebExchangeMatcher("/api/auth/refresh", HttpMethod.POST),
              new PathPatternParserServerWebExchangeMatcher("/api/auth/jwks", HttpMethod.GET)));

  @Bean
  SecurityWebFilterChain securityWebFilterChain(
      ServerHttpSecurity http, ReactiveJwtDecoder decoder, JsonMapper json) {
    ServerAuthenticationEntryPoint entryPoint =
        (exchange, e) -> {
          boolean expired = isExpired(e);
          return writeProblem(
              exchange,
              json,
              HttpStatus.UNAUTHORIZED,
              expired ? EXPIRED : ErrorCodes.UNAUTHORIZED,
              expired
                  ? "The access token has expired."
                  : "A valid bearer access token is required.");
        };
    ServerAccessDeniedHandler denied =
        (exchange, e) ->
            writeProblem(exchange, json, HttpStatus.FORBIDDEN, ErrorCodes.FORBIDDEN, "Forbidden.");
    ServerBearerTokenAuthenticationConverter bearer =
        new ServerBearerTokenAuthenticationConverter();
    ServerAuthenticationConverter bearerOutsidePublicPaths =
        exchange ->
            PUBLIC
                .matches(exchange)
                .flatMap(match -> match.isMatch() ? Mono.empty() : bearer.convert(exchange));
    return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .authorizeExchange(
            exchanges -> exchanges.matchers(PUBLIC).permitAll().anyExchange().authenticated())
        .exceptionHandling(
            handling -> handling.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied))
        .oauth2ResourceServer(
            server ->
                server
                    .authenticationEntryPoint(entryPoint)
                    .accessDeniedHandler(denied)
                    .bearerTokenConverter(bearerOutsidePublicPaths)
                    .jwt(jwt -> jwt.jwtDecoder(decoder)))
        .build();
  }

  @Bean
  ReactiveJwtDecoder jwtDecoder(SigningKey key, ActiveSessions sessions) {
    NimbusReactiveJwtDecoder nimbus =
        NimbusReactiveJwtDecoder.withJwkSource(signed -> Flux.just(key.publicJwk()))
            .jwsAlgorithm(SignatureAlgorithm.ES256)
            .build();
    nimbus.setJwtValidator(
        new DelegatingOAuth2TokenValidator<>(
            new JwtIssuerValidator(AccessTokens.ISSUER),
            new NotExpired(),
            new JwtClaimValidator<String>("sub", s -> s != null && !s.isBlank()),
            new JwtClaimValidator<String>("did", s -> s != null && !s.isBlank()),
            new JwtClaimValidator<String>("sid", s -> s != null && !s.isBlank())));
    return token ->
        nimbus
            .decode(token)
            .filterWhen(jwt -> sessions.isActive(jwt.getClaimAsString("sid")))
            .switchIfEmpty(Mono.error(() -> new BadJwtException("The session has ended.")));
  }

  /** {@code exp} must lie in the future (no clock skew: this service issued the token). */
  private static final class NotExpired implements OAuth2TokenValidator<Jwt> {
    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
      Instant expiresAt = jwt.getExpiresAt();
      if (expiresAt == null || !Instant.now().isBefore(expiresAt)) {
        return OAuth2TokenValidatorResult.failure(
            new OAuth2Error(EXPIRED, "The access token has expired.", null));
      }
      return OAuth2TokenValidatorResult.success();
    }
  }

  private static boolean isExpired(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JwtValidationException invalid
          && invalid.getErrors().stream().anyMatch(err -> EXPIRED.equals(err.getErrorCode()))) {
        return true;
      }
    }
    return false;
  }

  private static Mono<Void> writeProblem(
      ServerWebExchange exchange, JsonMapper json, HttpStatus status, String code, String detail) {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "https://parley.dev/problems/" + code.replace('_', '-'));
    problem.put("title", status.getReasonPhrase());
    problem.put("status", status.value());
    problem.put("detail", detail);
    problem.put("instance", exchange.getRequest().getPath().value());
    problem.put("code", code);
    byte[] body = json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
    var response = exchange.getResponse();
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (status == HttpStatus.UNAUTHORIZED) {
      response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    DataBuffer buffer = response.bufferFactory().wrap(body);
    return response.writeWith(Mono.just(buffer));
  }
}
