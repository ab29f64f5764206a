package com.parley.im.gateway;

import com.parley.im.testsupport.ArchitectureRules;
import org.junit.jupiter.api.Test;

class GatewayArchitectureTests {

  @Test
  void obeysTheArchitectureRules() {
    ArchitectureRules.checkService("gateway");
  }
}
