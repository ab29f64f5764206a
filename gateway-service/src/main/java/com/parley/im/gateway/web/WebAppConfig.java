package com.parley.im.gateway.web;

import com.parley.im.gateway.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Serves the web app's files ({@link WebApp}) with the configured {@code Content-Security-Policy}.
 * The router function's mapping comes before the gateway's routes and the socket's mapping, so it
 * answers only what {@link WebApp} finds and leaves everything else (every {@code /api/**} call,
 * {@code /ws}) to them. Spring Security lets these reads through without a token ({@code
 * SecurityConfig}); the rate limit of the routes does not apply.
 */
@Configuration(proxyBeanMethods = false)
class WebAppConfig {

  @Bean
  WebApp webApp(GatewayProperties properties) {
    return new WebApp(properties);
  }

  @Bean
  RouterFunction<ServerResponse> webAppFiles(WebApp webApp, GatewayProperties properties) {
    String policy = properties.web().contentSecurityPolicy();
    return RouterFunctions.resources(
            request ->
                // A file-system check: off the event loop.
                Mono.fromCallable(() -> webApp.lookup(request))
                    .subscribeOn(Schedulers.boundedElastic())
                    .flatMap(Mono::justOrEmpty))
        .filter(
            (request, next) -> {
              request.exchange().getResponse().getHeaders().set("Content-Security-Policy", policy);
              request
                  .exchange()
                  .getResponse()
                  .getHeaders()
                  .set("X-Content-Type-Options", "nosniff");
              return next.handle(request);
            });
  }
}
