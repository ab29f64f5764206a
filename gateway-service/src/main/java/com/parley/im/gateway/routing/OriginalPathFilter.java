package com.parley.im.gateway.routing;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Remembers the path the client asked for, so that a circuit breaker's fallback (reached by an
 * internal forward to another path) can name it as the problem's {@code instance}.
 */
@Component
class OriginalPathFilter implements GlobalFilter, Ordered {

  static final String ATTRIBUTE = OriginalPathFilter.class.getName() + ".path";

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    exchange.getAttributes().putIfAbsent(ATTRIBUTE, exchange.getRequest().getPath().value());
    return chain.filter(exchange);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
