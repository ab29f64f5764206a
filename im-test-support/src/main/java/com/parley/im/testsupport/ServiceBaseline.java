package com.parley.im.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;

/**
 * What every service with a database promises before it has any feature: it reports liveness and
 * readiness once PostgreSQL, Redis and RabbitMQ answer, migrates its own database, answers unknown
 * paths with a problem detail, exports Prometheus metrics on its management port, refuses its
 * internal and management endpoints without a service credential (ADR 0007), and obeys the
 * architecture rules.
 *
 * <p>A service's application test implements it inside the module's shared Spring context, or
 * extends {@link ServiceBaselineTests} when the service has no test context of its own yet.
 */
public interface ServiceBaseline {

  /** The service's short name, as in {@link ArchitectureRules#SERVICES}. */
  String service();

  WebTestClient http();

  DatabaseClient db();

  /** Headers of a request from a signed-in client (a bearer token where the service wants one). */
  default void signIn(HttpHeaders headers) {}

  @Test
  default void reportsLiveAndReadyOnceItsDatabaseRedisAndBrokerAnswer(ApplicationContext context) {
    // The service port keeps the probes (ADR 0007), open to anyone.
    http().get().uri("/livez").exchange().expectStatus().isOk();
    http()
        .get()
        .uri("/readyz")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("UP");
    management(context)
        .get()
        .uri("/actuator/health/readiness")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("UP");
  }

  @Test
  default void exportsMetricsForPrometheusOnTheManagementPortOnly(ApplicationContext context) {
    management(context)
        .get()
        .uri("/actuator/prometheus")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
    http().get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
    http()
        .get()
        .uri("/actuator/prometheus")
        .header(HttpHeaders.AUTHORIZATION, TestServiceTokens.authorization())
        .exchange()
        .expectStatus()
        .isNotFound();
  }

  @Test
  default void managementEndpointsBeyondHealthAndPrometheusNeedAServiceCredential(
      ApplicationContext context) {
    WebTestClient management = management(context);
    for (String path : List.of("/actuator/metrics", "/actuator/info", "/actuator")) {
      for (String credential : wrongServiceCredentials()) {
        management
            .get()
            .uri(path)
            .headers(h -> setAuthorization(h, credential))
            .exchange()
            .expectStatus()
            .isUnauthorized()
            .expectBody()
            .jsonPath("$.code")
            .isEqualTo("service_unauthorized");
      }
    }
    management
        .get()
        .uri("/actuator/metrics")
        .header(HttpHeaders.AUTHORIZATION, TestServiceTokens.authorization())
        .exchange()
        .expectStatus()
        .isOk();
  }

  /**
   * Every {@code /internal/**} handler of the service (found in its handler mappings, so one added
   * later is covered too), and an unknown internal path, refuse a call without a service
   * credential, with one signed by another key, an expired one and garbage: 401 {@code
   * service_unauthorized}, whatever the method; with the credential the handler is reached (no
   * 401).
   */
  @Test
  default void refusesEveryInternalEndpointWithoutAValidServiceCredential(
      ApplicationContext context) {
    List<String[]> endpoints = new ArrayList<>(internalEndpoints(context));
    endpoints.add(new String[] {"POST", "/internal/anything"});
    endpoints.add(new String[] {"GET", "/internal/%61nything"});
    for (String[] endpoint : endpoints) {
      HttpMethod method = HttpMethod.valueOf(endpoint[0]);
      for (String credential : wrongServiceCredentials()) {
        http()
            .method(method)
            .uri(endpoint[1])
            .headers(h -> setAuthorization(h, credential))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{}")
            .exchange()
            .expectStatus()
            .isUnauthorized()
            .expectHeader()
            .contentType("application/problem+json")
            .expectBody()
            .jsonPath("$.code")
            .isEqualTo("service_unauthorized");
      }
    }
    for (String[] endpoint : internalEndpoints(context)) {
      http()
          .method(HttpMethod.valueOf(endpoint[0]))
          .uri(endpoint[1])
          .header(HttpHeaders.AUTHORIZATION, TestServiceTokens.authorization())
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{}")
          .exchange()
          .expectStatus()
          .value(status -> assertThat(status).isNotEqualTo(401));
    }
  }

  /**
   * The service's OpenAPI 3.1 document is served on the management port only, with the service
   * credential like every management endpoint but health and prometheus (ADR 0024), and is the one
   * checked in under {@code docs/openapi/} ({@link OpenApiDocument}; {@code -Dopenapi.write=true}
   * rewrites the file). The service port serves no {@code /v3/api-docs}.
   */
  @Test
  default void servesTheCheckedInOpenApiDocumentOnTheManagementPortOnly(
      ApplicationContext context) {
    WebTestClient management = management(context);
    management
        .get()
        .uri("/actuator/openapi")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("service_unauthorized");
    String served =
        management
            .get()
            .uri("/actuator/openapi")
            .header(HttpHeaders.AUTHORIZATION, TestServiceTokens.authorization())
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    assertThat(served).as("an OpenAPI 3.1 document").contains("\"openapi\"").contains("3.1");
    for (String path : List.of("/v3/api-docs", "/v3/api-docs.yaml")) {
      http().get().uri(path).headers(this::signIn).exchange().expectStatus().isNotFound();
    }
    http()
        .get()
        .uri("/actuator/openapi")
        .header(HttpHeaders.AUTHORIZATION, TestServiceTokens.authorization())
        .exchange()
        .expectStatus()
        .isNotFound();
    OpenApiDocument.assertServedMatchesCheckedIn(service(), served);
  }

  /** A client of the management server (actuator) of the context under test. */
  static WebTestClient management(ApplicationContext context) {
    String port = context.getEnvironment().getProperty("local.management.port");
    assertThat(port).as("the service runs a management server of its own").isNotNull();
    return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
  }

  /** None, signed with another key, expired, and not a token at all. */
  static List<String> wrongServiceCredentials() {
    return Arrays.asList(
        null,
        TestServiceTokens.signedWithAnotherKey(),
        TestServiceTokens.expired(),
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz");
  }

  private static void setAuthorization(HttpHeaders headers, String value) {
    if (value != null) {
      headers.set(HttpHeaders.AUTHORIZATION, value);
    }
  }

  /** Method and path (variables filled in) of every handler under {@code /internal}. */
  static List<String[]> internalEndpoints(ApplicationContext context) {
    List<String[]> endpoints = new ArrayList<>();
    for (RequestMappingInfoHandlerMapping mapping :
        context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
      for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
        for (var pattern : info.getPatternsCondition().getPatterns()) {
          String path = pattern.getPatternString().replaceAll("\\{[^}]*}", "x");
          if (!path.startsWith("/internal")) {
            continue;
          }
          var methods = info.getMethodsCondition().getMethods();
          if (methods.isEmpty()) {
            endpoints.add(new String[] {"GET", path});
          }
          for (var method : methods) {
            endpoints.add(new String[] {method.name(), path});
          }
        }
      }
    }
    return endpoints;
  }

  @Test
  default void migratesItsOwnDatabaseOnStartup() {
    Long applied =
        db().sql("select count(*) from flyway_schema_history where success")
            .map(row -> row.get(0, Long.class))
            .one()
            .block(Duration.ofSeconds(10));
    assertThat(applied).isPositive();
  }

  @Test
  default void answersUnknownPathsWithAProblemDetail() {
    http()
        .get()
        .uri("/api/nothing-here")
        .headers(this::signIn)
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("not_found");
  }

  @Test
  default void obeysTheArchitectureRules() {
    ArchitectureRules.checkService(service());
  }
}
