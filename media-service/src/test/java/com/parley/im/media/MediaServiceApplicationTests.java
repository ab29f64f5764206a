package com.parley.im.media;

import com.parley.im.testsupport.ServiceBaselineTests;
import com.parley.im.testsupport.TestInfrastructure;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class MediaServiceApplicationTests extends ServiceBaselineTests {

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerAll(registry, "media");
  }

  MediaServiceApplicationTests() {
    super("media");
  }
}
