package com.parley.im.k8s;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Where the repository is (the module runs in k8s-tests/) and the checked-in kept defaults. */
final class Repository {

  private Repository() {}

  static Path root() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("k8s/base")) ? here : here.getParent();
  }

  static Map<String, Set<String>> keptDefaults() {
    Map<String, Set<String>> kept = new HashMap<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                Repository.class.getResourceAsStream("/kept-defaults.txt"),
                StandardCharsets.UTF_8))) {
      reader
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .map(l -> l.split("\\s+"))
          .forEach(f -> kept.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[1]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return kept;
  }
}
