package com.parley.im.user;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserServiceApplicationTests extends IntegrationTestBase {

  @Test
  void reportsReadyOnceItsDatabaseRedisAndBrokerAnswer() {
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
  void migratesItsSchemaAndTheSharedOutboxTable() {
    Long tables =
        db.sql(
                "select count(*) from information_schema.tables where table_name in"
                    + " ('app_user', 'device_session', 'refresh_token', 'friend', 'outbox_event')")
            .map(row -> row.get(0, Long.class))
            .one()
            .block();
    assertThat(tables).isEqualTo(5);
  }
}
