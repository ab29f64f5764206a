package com.parley.im.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The environment variables a service reads: every upper-case {@code ${NAME}} or {@code
 * ${NAME:default}} placeholder in its {@code src/main/resources/application*.yml} and in
 * im-service-defaults' shared properties, with its default (null when it has none).
 */
final class ServiceSettings {

  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");

  private ServiceSettings() {}

  static Map<String, String> read(Path repository, String service) {
    Map<String, String> settings = new LinkedHashMap<>();
    scan(
        repository.resolve("im-service-defaults/src/main/resources/im-service-defaults.properties"),
        settings);
    Path resources = repository.resolve(service).resolve("src/main/resources");
    try (Stream<Path> files = Files.list(resources)) {
      files
          .filter(f -> f.getFileName().toString().matches("application.*\\.ya?ml"))
          .sorted()
          .forEach(f -> scan(f, settings));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return settings;
  }

  /** The seconds of {@code spring.lifecycle.timeout-per-shutdown-phase} in the shared defaults. */
  static int shutdownPhaseSeconds(Path repository) {
    Path defaults =
        repository.resolve("im-service-defaults/src/main/resources/im-service-defaults.properties");
    Matcher m =
        Pattern.compile("(?m)^spring\\.lifecycle\\.timeout-per-shutdown-phase=(\\d+)s$")
            .matcher(readString(defaults));
    if (!m.find()) {
      throw new IllegalStateException("no timeout-per-shutdown-phase in " + defaults);
    }
    return Integer.parseInt(m.group(1));
  }

  private static void scan(Path file, Map<String, String> settings) {
    Matcher m = PLACEHOLDER.matcher(readString(file));
    while (m.find()) {
      settings.putIfAbsent(m.group(1), m.group(2));
    }
  }

  static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
