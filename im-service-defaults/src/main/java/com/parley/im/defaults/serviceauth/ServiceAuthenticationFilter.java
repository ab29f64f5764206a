package com.parley.im.defaults.serviceauth;

import com.parley.im.defaults.Problems;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses every call to {@code /internal/**} and to every actuator endpoint except health (and
 * {@code prometheus} on the separate management server) without a valid service credential: 401
 * problem {@code code: service_unauthorized} (ADR 0007). Whoever reaches the port, from 127.0.0.1
 * as from anywhere, needs the credential; the gateway, which never routes these paths, is not the
 * only line of defence.
 *
 * <p>It runs before Spring Security and any handler, in the main server and in the management
 * server alike (a WebFlux management child context applies the parent's web filters). Paths are
 * matched with the same parser and on the same decoded path the handler mappings use, so a request
 * that would reach an internal handler (encoded letters, matrix parameters) matches here too.
 *
 * <p>Cannot promise: which service called. Every holder of the shared key is trusted alike; the
 * token names its caller ({@code sub}) for logs, not for permissions.
 */
public final class ServiceAuthenticationFilter implements WebFilter, Ordered {

  /** After the gateway's unroutable-path filter (404 first there), before Spring Security. */
  public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

  static final String CODE = "service_unauthorized";

  private final ServiceTokenVerifier verifier;
  private final JsonMapper json;
  private final PathPattern internal;
  private final PathPattern actuator;
  private final PathPattern health;
  private final PathPattern prometheus;

  ServiceAuthenticationFilter(
      ServiceTokenVerifier verifier, JsonMapper json, String actuatorBasePath) {
    this.verifier = verifier;
    this.json = json;
    PathPatternParser parser = PathPatternParser.defaultInstance;
    String base = actuatorBasePath.endsWith("/") ? actuatorBasePath : actuatorBasePath + "/";
    this.internal = parser.parse("/internal/**");
    this.actuator = parser.parse(base + "**");
    this.health = parser.parse(base + "health/**");
    this.prometheus = parser.parse(base + "prometheus");
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!needsCredential(exchange)
        || verifier.accepts(
            exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION))) {
      return chain.filter(exchange);
    }
    return Problems.write(
        exchange,
        json,
        HttpStatus.UNAUTHORIZED,
        CODE,
        "A valid service credential is required (internal and management endpoints).");
  }

  private boolean needsCredential(ServerWebExchange exchange) {
    PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
    if (internal.matches(path)) {
      return true;
    }
    if (!actuator.matches(path) || health.matches(path)) {
      return false;
    }
    // Metrics are scraped without a credential only on a management server of its own, which is
    // bound to loopback or fenced by a network policy (ADR 0007).
    return !(prometheus.matches(path) && ManagementServer.handles(exchange));
  }
}
