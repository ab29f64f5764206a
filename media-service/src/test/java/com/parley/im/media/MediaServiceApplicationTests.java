package com.parley.im.media;

import com.parley.im.testsupport.ServiceBaseline;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The service starts, migrates, reports health and obeys the architecture rules. */
class MediaServiceApplicationTests extends IntegrationTestBase implements ServiceBaseline {

  @Override
  public String service() {
    return "media";
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
    headers.setBearerAuth(user().token());
  }
}
