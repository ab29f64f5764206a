package com.parley.im.gateway.routing;

import com.parley.im.defaults.serviceauth.ManagementServer;
import com.parley.im.gateway.problem.ProblemWriter;
import com.parley.im.protocol.ErrorCodes;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Answers 404 (a problem detail, before any token check) for what is never reachable from outside:
 * {@code /internal/**}, the actuator (it lives on the management server, ADR 0007; the public port
 * has the probes {@code /livez} and {@code /readyz}), and paths that try to climb out of a route
 * with dot segments or encoded separators (which a service behind might normalise into one of its
 * internal paths). Requests to the management server pass: the service credential guards it.
 */
@Component
class UnroutablePathFilter implements WebFilter, Ordered {

  private final ProblemWriter problems;

  UnroutablePathFilter(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 10;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String rawPath = exchange.getRequest().getPath().value();
    if (!ManagementServer.handles(exchange) && isUnroutable(rawPath)) {
      return problems.write(
          exchange, HttpStatus.NOT_FOUND, ErrorCodes.NOT_FOUND, "There is nothing here.");
    }
    return chain.filter(exchange);
  }

  static boolean isUnroutable(String rawPath) {
    String path = rawPath.toLowerCase(Locale.ROOT);
    if (path.equals("/internal") || path.startsWith("/internal/")) {
      return true;
    }
    if (path.equals("/actuator") || path.startsWith("/actuator/")) {
      return true;
    }
    if (path.contains("%2e")
        || path.contains("%2f")
        || path.contains("%5c")
        || path.contains("\\")) {
      return true;
    }
    for (String segment : path.split("/", -1)) {
      String name =
          segment.indexOf(';') >= 0 ? segment.substring(0, segment.indexOf(';')) : segment;
      if (name.equals(".") || name.equals("..")) {
        return true;
      }
    }
    return false;
  }
}
