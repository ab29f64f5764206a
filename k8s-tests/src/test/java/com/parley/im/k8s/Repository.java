package com.parley.im.k8s;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is (the module runs in k8s-tests/). */
final class Repository {

  private Repository() {}

  static Path root() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("k8s/base")) ? here : here.getParent();
  }
}
