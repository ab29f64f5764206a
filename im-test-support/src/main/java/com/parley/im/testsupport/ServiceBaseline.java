package com.parley.im.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What every service with a database promises before it has any feature: it reports liveness and
 * readiness once PostgreSQL, Redis and RabbitMQ answer, migrates its own database, answers unknown
 * paths with a problem detail, exports Prometheus metrics, and obeys the architecture rules.
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
  default void reportsLiveAndReadyOnceItsDatabaseRedisAndBrokerAnswer() {
    http().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    http()
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
  default void exportsMetricsForPrometheus() {
    http()
        .get()
        .uri("/actuator/prometheus")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
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
