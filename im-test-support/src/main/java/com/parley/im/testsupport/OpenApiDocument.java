package com.parley.im.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A service's OpenAPI document as checked in under {@code docs/openapi/<service>-service.json} (ADR
 * 0024): pretty-printed, object keys sorted, so a change reads as a line diff in review.
 *
 * <p>{@link #assertServedMatchesCheckedIn} fails when the running service's document differs from
 * the file, naming the first differing line. With {@code -Dopenapi.write=true} it rewrites the file
 * from the served document instead (and passes); the rewritten file is then reviewed and committed
 * like code.
 */
public final class OpenApiDocument {

  /** The system property that rewrites the checked-in file instead of comparing. */
  public static final String WRITE_PROPERTY = "openapi.write";

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private OpenApiDocument() {}

  /** The served document in its checked-in form: keys sorted, two-space indent, final newline. */
  public static String normalize(String document) {
    return JSON.writeValueAsString(sorted(JSON.readTree(document))) + "\n";
  }

  /** Where the document of {@code service} (short name, e.g. {@code user}) is checked in. */
  public static Path checkedIn(String service) {
    return repositoryRoot().resolve("docs/openapi/" + service + "-service.json");
  }

  public static void assertServedMatchesCheckedIn(String service, String served) {
    Path file = checkedIn(service);
    String expected = normalize(served);
    if (Boolean.getBoolean(WRITE_PROPERTY)) {
      write(file, expected);
      return;
    }
    String regenerate =
        "If the API change is intended, regenerate the file and commit it: ./mvnw -B -pl "
            + service
            + "-service -am verify -D"
            + WRITE_PROPERTY
            + "=true (docs/openapi/README.md).";
    assertThat(Files.exists(file))
        .as("%s is not checked in. %s", repositoryRoot().relativize(file), regenerate)
        .isTrue();
    String actual = read(file);
    if (!actual.equals(expected)) {
      throw new AssertionError(
          service
              + "-service serves an OpenAPI document that differs from "
              + repositoryRoot().relativize(file)
              + firstDifference(actual, expected)
              + "\n"
              + regenerate);
    }
  }

  private static String firstDifference(String checkedIn, String served) {
    List<String> a = checkedIn.lines().toList();
    List<String> b = served.lines().toList();
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      String left = i < a.size() ? a.get(i) : "<end of file>";
      String right = i < b.size() ? b.get(i) : "<end of document>";
      if (!left.equals(right)) {
        return "\n  first difference at line "
            + (i + 1)
            + ":\n  checked in: "
            + left.strip()
            + "\n  served:     "
            + right.strip();
      }
    }
    return "";
  }

  /** Objects with their keys in natural order, recursively; array order is kept (it can matter). */
  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      List<String> names = new ArrayList<>(node.propertyNames());
      names.sort(null);
      for (String name : names) {
        copy.set(name, sorted(node.get(name)));
      }
      return copy;
    }
    if (node.isArray()) {
      var copy = JSON.createArrayNode();
      node.forEach(element -> copy.add(sorted(element)));
      return copy;
    }
    return node;
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docs/adr"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "no repository root (a folder with docs/adr) above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
