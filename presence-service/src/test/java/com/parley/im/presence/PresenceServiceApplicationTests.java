package com.parley.im.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The service starts, migrates, reports health and obeys the architecture rules. */
class PresenceServiceApplicationTests extends IntegrationTestBase {

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
            .block();
    assertThat(applied).isPositive();
  }

  @Test
  void answersUnknownPathsWithAProblemDetail() {
    http.get()
        .uri("/api/nothing-here")
        .headers(h -> h.setBearerAuth(user().token()))
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
    com.parley.im.testsupport.ArchitectureRules.checkService("presence");
  }
}
