package com.parley.im.unread;

import com.parley.im.testsupport.ServiceBaselineTests;
import com.parley.im.testsupport.TestInfrastructure;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class UnreadServiceApplicationTests extends ServiceBaselineTests {

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerAll(registry, "unread");
  }

  UnreadServiceApplicationTests() {
    super("unread");
  }
}
