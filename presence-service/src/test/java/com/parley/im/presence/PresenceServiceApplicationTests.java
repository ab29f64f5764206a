package com.parley.im.presence;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.testsupport.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class PresenceServiceApplicationTests {

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerAll(registry, "presence");
  }

  @Autowired WebTestClient http;
  @Autowired DatabaseClient db;

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
