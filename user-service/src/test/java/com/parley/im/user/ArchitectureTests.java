package com.parley.im.user;

import com.parley.im.testsupport.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTests {

  @Test
  void obeysTheArchitectureRules() {
    ArchitectureRules.checkService("user");
  }
}
