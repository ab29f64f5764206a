package com.parley.im.defaults.openapi;

import com.parley.im.defaults.serviceauth.ManagementServer;
import com.parley.im.defaults.serviceauth.ServiceAuthenticationFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Serves the OpenAPI document (springdoc's {@code /actuator/openapi} on the management server, ADR
 * 0024) off the event loop: springdoc builds the document synchronously inside its handler, and the
 * first build per locale scans the classpath (blocking file reads). Subscribing the request on
 * bounded-elastic keeps that work away from the threads that carry messages and sockets.
 *
 * <p>Runs after {@link ServiceAuthenticationFilter}, so a request without the service credential is
 * refused on the event loop before any work is moved. Other requests are untouched.
 */
public final class OpenApiDocumentFilter implements WebFilter, Ordered {

  private final PathPattern document;

  public OpenApiDocumentFilter(String actuatorBasePath) {
    String base = actuatorBasePath.endsWith("/") ? actuatorBasePath : actuatorBasePath + "/";
    this.document = PathPatternParser.defaultInstance.parse(base + "openapi/**");
  }

  @Override
  public int getOrder() {
    return ServiceAuthenticationFilter.ORDER + 1;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (ManagementServer.handles(exchange)
        && document.matches(exchange.getRequest().getPath().pathWithinApplication())) {
      return chain.filter(exchange).subscribeOn(Schedulers.boundedElastic());
    }
    return chain.filter(exchange);
  }
}
