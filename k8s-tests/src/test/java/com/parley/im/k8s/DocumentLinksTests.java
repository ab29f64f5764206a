package com.parley.im.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A reader of the repository needs nothing outside it: every relative link in its Markdown files
 * names a file or directory inside the repository that exists, and the README links the client
 * contract ({@code docs/protocol.md}).
 */
class DocumentLinksTests {

  private static final Path ROOT = Repository.root().normalize();

  /** {@code [text](target)} and {@code [text](target "title")}; images too. */
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

  @Test
  void everyRelativeLinkStaysInsideTheRepositoryAndExists() {
    List<String> broken = new ArrayList<>();
    for (Path file : markdownFiles()) {
      for (String target : links(read(file))) {
        String problem = problem(file, target);
        if (problem != null) {
          broken.add(ROOT.relativize(file) + ": " + target + " (" + problem + ")");
        }
      }
    }
    assertThat(broken).as("links a reader of the repository cannot follow").isEmpty();
  }

  @Test
  void theReadmeLinksTheClientContract() {
    assertThat(links(read(ROOT.resolve("README.md")))).contains("docs/protocol.md");
    assertThat(ROOT.resolve("docs/protocol.md")).isRegularFile();
  }

  @Test
  void aLinkOutOfTheRepositoryIsFound() {
    Path readme = ROOT.resolve("README.md");
    assertThat(problem(readme, "../shared/spec/PROTOCOL.md")).isEqualTo("outside the repository");
    assertThat(problem(readme, "docs/no-such-file.md")).isEqualTo("no such file");
    assertThat(problem(readme, "docs/protocol.md#frames")).isNull();
    assertThat(problem(readme, "https://example.com/x")).isNull();
  }

  /** Null when the link can be followed inside the repository (or is not a file link). */
  private static String problem(Path file, String target) {
    if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("#")) {
      return null; // https:, mailto: and anchors in the same file
    }
    String path = target.replaceFirst("#.*$", "").replaceFirst("\\?.*$", "");
    if (path.isEmpty()) {
      return null;
    }
    Path resolved =
        (path.startsWith("/") ? ROOT.resolve(path.substring(1)) : file.getParent().resolve(path))
            .normalize();
    if (!resolved.startsWith(ROOT)) {
      return "outside the repository";
    }
    return Files.exists(resolved) ? null : "no such file";
  }

  private static List<String> links(String markdown) {
    // Fenced code is not prose: a "](" in an example is no link.
    String prose = markdown.replaceAll("(?s)```.*?```", "");
    List<String> targets = new ArrayList<>();
    Matcher m = LINK.matcher(prose);
    while (m.find()) {
      targets.add(m.group(1).replaceFirst("^<(.*)>$", "$1"));
    }
    return targets;
  }

  private static List<Path> markdownFiles() {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files
          .filter(p -> p.toString().endsWith(".md"))
          .filter(
              p -> {
                String relative = ROOT.relativize(p).toString();
                return !relative.contains("node_modules")
                    && !relative.contains("/target/")
                    && !relative.startsWith("target/")
                    && !relative.startsWith(".");
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
