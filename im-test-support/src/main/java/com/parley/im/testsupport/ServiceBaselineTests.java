package com.parley.im.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What every service with a database promises before it has any feature: it reports liveness and
 * readiness once PostgreSQL, Redis and RabbitMQ answer, migrates its own database, answers unknown
 * paths with a problem detail, exports Prometheus metrics, and obeys the architecture rules.
 *
 * <p>A service's test extends it, names the service, and registers the infrastructure in a static
 * {@code @DynamicPropertySource} ({@code TestInfrastructure.get().registerAll(registry, name)}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
public abstract class ServiceBaselineTests {

  private final String service;

  @Autowired protected WebTestClient http;
  @Autowired protected DatabaseClient db;

  protected ServiceBaselineTests(String service) {
    this.service = service;
  }

  @Test
  void reportsLiveAndReadyOnceItsDatabaseRedisAndBrokerAnswer() {
    http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    http.get()
        .uri("/actuator/health/readiness")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("UP");
  }

  @Test
  void exportsMetricsForPrometheus() {
    http.get()
        .uri("/actuator/prometheus")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
  }

  @Test
  void migratesItsOwnDatabaseOnStartup() {
    Long applied =
        db.sql("select count(*) from flyway_schema_history where success")
            .map(row -> row.get(0, Long.class))
            .one()
            .block(Duration.ofSeconds(10));
    assertThat(applied).isPositive();
  }

  @Test
  void answersUnknownPathsWithAProblemDetail() {
    http.get()
        .uri("/api/nothing-here")
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
  void obeysTheArchitectureRules() {
    ArchitectureRules.checkService(service);
  }
}
