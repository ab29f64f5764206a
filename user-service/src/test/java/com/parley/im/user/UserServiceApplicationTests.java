package com.parley.im.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.testsupport.ServiceBaseline;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The service starts, migrates, reports health, guards its internal and management endpoints with
 * the service credential (ticket redemption included) and obeys the architecture rules.
 */
class UserServiceApplicationTests extends IntegrationTestBase implements ServiceBaseline {

  @Override
  public String service() {
    return "user";
  }

  @Override
  public WebTestClient http() {
    return http;
  }

  @Override
  public DatabaseClient db() {
    return db;
  }

  @Override
  public void signIn(HttpHeaders headers) {
    headers.setBearerAuth(login(register("baseline").username(), "phone").accessToken());
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
