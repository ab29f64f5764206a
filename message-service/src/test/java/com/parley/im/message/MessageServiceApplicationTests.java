package com.parley.im.message;

import com.parley.im.testsupport.ServiceBaselineTests;
import com.parley.im.testsupport.TestInfrastructure;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class MessageServiceApplicationTests extends ServiceBaselineTests {

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerAll(registry, "message");
  }

  MessageServiceApplicationTests() {
    super("message");
  }
}
