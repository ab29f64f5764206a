package com.parley.im.defaults.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

class ResourceServerAutoConfigurationTests {

  private final ReactiveWebApplicationContextRunner runner =
      new ReactiveWebApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ResourceServerAutoConfiguration.class))
          .withBean(JsonMapper.class, () -> JsonMapper.builder().build());

  @Test
  void givesAServiceWithoutItsOwnChainTheDefaultResourceServer() {
    runner
        .withPropertyValues("im.security.jwk-set-uri=http://127.0.0.1:9/jwks")
        .run(
            context -> {
              assertThat(context).hasSingleBean(SecurityWebFilterChain.class);
              assertThat(context).hasSingleBean(ReactiveJwtDecoder.class);
              assertThat(context.getBean(ResourceServerProperties.class).jwkSetUri())
                  .isEqualTo("http://127.0.0.1:9/jwks");
            });
  }

  @Test
  void backsOffWhenTheServiceDeclaresItsOwnChain() {
    runner
        .withUserConfiguration(OwnChain.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(SecurityWebFilterChain.class);
              assertThat(context).doesNotHaveBean(ReactiveJwtDecoder.class);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnChain {
    @Bean
    SecurityWebFilterChain own() {
      return ServerHttpSecurity.http().authorizeExchange(e -> e.anyExchange().permitAll()).build();
    }
  }

  @RestController
  static class Probe {
    @GetMapping("/api/thing")
    Mono<String> thing() {
      return Mono.just("thing");
    }

    @GetMapping("/actuator/health")
    Mono<String> health() {
      return Mono.just("up");
    }
  }

  private static WebTestClient client(ReactiveJwtDecoder decoder) {
    JsonMapper json = JsonMapper.builder().build();
    SecurityWebFilterChain chain =
        ResourceServerSecurity.filterChain(
            ServerHttpSecurity.http(), decoder, json, ResourceServerSecurity.openPaths(List.of()));
    return WebTestClient.bindToController(new Probe())
        .webFilter(new WebFilterChainProxy(chain))
        .build();
  }

  @Test
  void aTokenThatCannotBeCheckedBecauseTheKeySetIsUnreachableIs503Not500() {
    NimbusReactiveJwtDecoder unreachable =
        NimbusReactiveJwtDecoder.withJwkSetUri("http://127.0.0.1:9/jwks")
            .jwsAlgorithm(SignatureAlgorithm.ES256)
            .build();
    // A well-formed ES256 token (its signature is never reached).
    String token =
        "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ." + "eyJzdWIiOiJ1IiwiZXhwIjo0MTAyNDQ0ODAwfQ." + "AAAA";
    client(ResourceServerSecurity.unavailableAsServiceFailure(unreachable))
        .get()
        .uri("/api/thing")
        .headers(h -> h.setBearerAuth(token))
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("service_unavailable");
  }

  @Test
  void anExpiredTokenIsTokenExpiredAndOpenPathsNeedNone() {
    ReactiveJwtDecoder expired =
        token ->
            Mono.error(
                new org.springframework.security.oauth2.jwt.JwtValidationException(
                    "expired",
                    List.of(
                        new org.springframework.security.oauth2.core.OAuth2Error(
                            "token_expired"))));
    WebTestClient http = client(expired);
    http.get()
        .uri("/api/thing")
        .headers(h -> h.setBearerAuth("x.y.z"))
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        // RFC 6750: a token was sent, so the challenge names the error (as the gateway's does).
        .valueEquals("WWW-Authenticate", "Bearer error=\"invalid_token\"")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("token_expired");
    http.get()
        .uri("/api/thing")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueEquals("WWW-Authenticate", "Bearer");
    http.get()
        .uri("/actuator/health")
        .headers(h -> h.setBearerAuth("stale"))
        .exchange()
        .expectStatus()
        .isOk();
    assertThat(SecurityProblems.notExpired(Duration.ZERO)).isNotNull();
  }
}
