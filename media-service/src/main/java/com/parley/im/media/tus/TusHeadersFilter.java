package com.parley.im.media.tus;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * tus' protocol header on {@code /api/media/uploads/**}: every answer carries {@code Tus-Resumable:
 * 1.0.0}; a request other than {@code OPTIONS} without that version is 412 with {@code
 * Tus-Version}.
 */
@Component
class TusHeadersFilter implements WebFilter {

  static final String VERSION = "1.0.0";
  private static final String PREFIX = "/api/media/uploads";

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String path = exchange.getRequest().getPath().pathWithinApplication().value();
    if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
      return chain.filter(exchange);
    }
    exchange.getResponse().getHeaders().set("Tus-Resumable", VERSION);
    if (exchange.getRequest().getMethod() != HttpMethod.OPTIONS
        && !VERSION.equals(exchange.getRequest().getHeaders().getFirst("Tus-Resumable"))) {
      exchange.getResponse().getHeaders().set("Tus-Version", VERSION);
      exchange.getResponse().setStatusCode(HttpStatus.PRECONDITION_FAILED);
      return exchange.getResponse().setComplete();
    }
    return chain.filter(exchange);
  }
}
