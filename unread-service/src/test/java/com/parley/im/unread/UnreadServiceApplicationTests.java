package com.parley.im.unread;

import com.parley.im.testsupport.ServiceBaselineTests;
import com.parley.im.testsupport.TestInfrastructure;
import com.parley.im.testsupport.TestTokens;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The service starts, migrates, reports health and obeys the architecture rules. */
class UnreadServiceApplicationTests extends ServiceBaselineTests {

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerAll(registry, "unread");
    TestTokens.register(registry);
  }

  UnreadServiceApplicationTests() {
    super("unread");
  }

  @Override
  public void signIn(HttpHeaders headers) {
    headers.setBearerAuth(TestTokens.accessToken(UUID.randomUUID().toString(), "phone"));
  }
}
