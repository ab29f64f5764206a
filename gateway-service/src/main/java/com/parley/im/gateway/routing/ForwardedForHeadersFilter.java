package com.parley.im.gateway.routing;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells the services who the client is. Runs after the gateway removed every {@code X-Forwarded-*}
 * header the client sent, and sets {@code X-Forwarded-For} to exactly one address, the client's
 * (see {@link ClientAddressResolver}), plus {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}
 * as the client used them. user-service throttles failed logins by that address.
 */
@Component
class ForwardedForHeadersFilter implements HttpHeadersFilter, Ordered {

  private final ClientAddressResolver clientAddress;

  ForwardedForHeadersFilter(ClientAddressResolver clientAddress) {
    this.clientAddress = clientAddress;
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  @Override
  public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    HttpHeaders headers = new HttpHeaders();
    headers.putAll(input);
    headers.remove("Forwarded");
    headers.set("X-Forwarded-For", clientAddress.resolve(exchange));
    headers.set("X-Forwarded-Proto", exchange.getRequest().getURI().getScheme());
    String host = exchange.getRequest().getHeaders().getFirst(HttpHeaders.HOST);
    if (host != null) {
      headers.set("X-Forwarded-Host", host);
    }
    return headers;
  }

  @Override
  public boolean supports(Type type) {
    return type == Type.REQUEST;
  }
}
