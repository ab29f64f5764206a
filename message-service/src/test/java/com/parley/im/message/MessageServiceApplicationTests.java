package com.parley.im.message;

import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import com.parley.im.testsupport.ServiceBaseline;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The service starts, migrates, reports health and obeys the architecture rules (in the shared
 * context of the messaging tests; its API needs a token, so the baseline signs in).
 */
class MessageServiceApplicationTests extends MessagingIntegrationTestBase
    implements ServiceBaseline {

  @Override
  public String service() {
    return "message";
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
