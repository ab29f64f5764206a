package com.parley.im.gateway.security;

import com.parley.im.defaults.security.SecurityProblems;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.problem.ProblemWriter;
import com.parley.im.gateway.web.WebApp;
import com.parley.im.protocol.ErrorCodes;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Who may call what. Every route needs a valid access token except the four public ones of
 * PROTOCOL.md; the WebSocket endpoint authenticates its handshake itself (bearer header, checked
 * here too, or a ticket), the gateway's health endpoints are open for probes, and so are reads of
 * the web app's files outside {@code /api/**} ({@link WebApp}; what it does not serve is a 404).
 * Stateless: no session, no CSRF token (no cookies are used).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

  /**
   * Signed media URLs ({@code GET} or {@code HEAD} of an item or its thumbnail with {@code sig} in
   * the query, so that {@code <img src>} works): media-service checks the signature itself and
   * answers 404 for a bad one.
   */
  static final ServerWebExchangeMatcher SIGNED_MEDIA =
      new AndServerWebExchangeMatcher(
          new OrServerWebExchangeMatcher(
              ServerWebExchangeMatchers.pathMatchers(
                  HttpMethod.GET, "/api/media/*", "/api/media/*/thumbnail"),
              ServerWebExchangeMatchers.pathMatchers(
                  HttpMethod.HEAD, "/api/media/*", "/api/media/*/thumbnail")),
          exchange ->
              exchange.getRequest().getQueryParams().containsKey("sig")
                  ? ServerWebExchangeMatcher.MatchResult.match()
                  : ServerWebExchangeMatcher.MatchResult.notMatch());

  /**
   * The routes that need no token: registration, login, refresh, the public keys and signed media
   * URLs.
   */
  static final ServerWebExchangeMatcher PUBLIC_ROUTES =
      new OrServerWebExchangeMatcher(
          ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, "/api/users"),
          ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, "/api/auth/login"),
          ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, "/api/auth/refresh"),
          ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/api/auth/jwks"),
          SIGNED_MEDIA);

  /**
   * Not for access tokens: the probes of the public port, and the actuator of the management
   * server, whose endpoints other than health and prometheus need a service credential instead
   * (im-service-defaults' {@code ServiceAuthenticationFilter}, ADR 0007). On the public port the
   * actuator is answered 404 before this chain ({@code UnroutablePathFilter}).
   */
  static final ServerWebExchangeMatcher NO_ACCESS_TOKEN =
      ServerWebExchangeMatchers.pathMatchers("/livez", "/readyz", "/actuator", "/actuator/**");

  @Bean
  SecurityWebFilterChain securityWebFilterChain(
      ServerHttpSecurity http,
      ReactiveJwtDecoder decoder,
      ProblemWriter problems,
      GatewayProperties properties,
      WebApp webApp) {
    String socketPath = properties.websocket().path();
    ServerWebExchangeMatcher webAppFiles =
        exchange ->
            webApp.mayServe(
                    exchange.getRequest().getMethod(), exchange.getRequest().getPath().value())
                ? ServerWebExchangeMatcher.MatchResult.match()
                : ServerWebExchangeMatcher.MatchResult.notMatch();
    return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .cors(cors -> cors.configurationSource(corsConfiguration(properties)))
        .authorizeExchange(
            exchanges ->
                exchanges
                    .matchers(PUBLIC_ROUTES)
                    .permitAll()
                    .pathMatchers(HttpMethod.GET, socketPath)
                    .permitAll()
                    .matchers(NO_ACCESS_TOKEN)
                    .permitAll()
                    .matchers(webAppFiles)
                    .permitAll()
                    .pathMatchers(HttpMethod.OPTIONS, "/api/**")
                    .permitAll()
                    .anyExchange()
                    .authenticated())
        .oauth2ResourceServer(
            resourceServer ->
                resourceServer
                    .jwt(jwt -> jwt.jwtDecoder(decoder))
                    .bearerTokenConverter(bearerTokensOutsidePublicRoutes())
                    .authenticationEntryPoint((exchange, e) -> refuse(problems, exchange, e))
                    .authenticationFailureHandler(
                        (filterExchange, e) -> refuse(problems, filterExchange.getExchange(), e))
                    .accessDeniedHandler(
                        (exchange, e) ->
                            problems.write(
                                exchange,
                                HttpStatus.FORBIDDEN,
                                ErrorCodes.FORBIDDEN,
                                "Not allowed.")))
        .exceptionHandling(
            handling ->
                handling
                    .authenticationEntryPoint((exchange, e) -> refuse(problems, exchange, e))
                    .accessDeniedHandler(
                        (exchange, e) ->
                            problems.write(
                                exchange,
                                HttpStatus.FORBIDDEN,
                                ErrorCodes.FORBIDDEN,
                                "Not allowed.")))
        .build();
  }

  /**
   * Reads the bearer header (never a query parameter), except on the public routes (a client that
   * refreshes with its expired access token still attached must not be refused) and where the
   * header carries a service credential instead.
   */
  private static ServerAuthenticationConverter bearerTokensOutsidePublicRoutes() {
    ServerBearerTokenAuthenticationConverter bearer =
        new ServerBearerTokenAuthenticationConverter();
    bearer.setAllowUriQueryParameter(false);
    ServerWebExchangeMatcher noToken =
        new OrServerWebExchangeMatcher(PUBLIC_ROUTES, NO_ACCESS_TOKEN);
    return exchange ->
        noToken
            .matches(exchange)
            .flatMap(match -> match.isMatch() ? Mono.empty() : bearer.convert(exchange));
  }

  private static Mono<Void> refuse(
      ProblemWriter problems, ServerWebExchange exchange, AuthenticationException e) {
    return SecurityProblems.refuse(exchange, problems.json(), e);
  }

  private static UrlBasedCorsConfigurationSource corsConfiguration(GatewayProperties properties) {
    CorsConfiguration cors = new CorsConfiguration();
    cors.setAllowedOrigins(properties.allowedOrigins());
    cors.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"));
    cors.setAllowedHeaders(List.of("*"));
    cors.setExposedHeaders(
        List.of(
            "Retry-After", "Location", "ETag", "Upload-Offset", "Upload-Length", "Tus-Resumable"));
    cors.setMaxAge(Duration.ofHours(1));
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/api/**", cors);
    return source;
  }
}
