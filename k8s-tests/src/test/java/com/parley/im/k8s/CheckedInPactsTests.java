package com.parley.im.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The pacts under {@code contracts/pacts/} are the ones the consumer tests wrote in this build (ADR
 * 0027): the providers verify the checked-in copies, so a consumer test that changes its
 * expectations without the copy being updated would leave the providers verifying an old contract.
 * This module builds last, after every consumer module has written {@code <module>/target/pacts/}.
 *
 * <p>Compared as parsed JSON, interactions in a fixed order, without the {@code key} Pact derives
 * from each interaction (it is not always written). To update: {@code ./mvnw clean verify}, then
 * copy each {@code <module>/target/pacts/*.json} to {@code contracts/pacts/} (a stale {@code
 * target/} merges old interactions into the new file).
 */
class CheckedInPactsTests {

  private static final Path ROOT = Repository.root();
  private static final Path CHECKED_IN = ROOT.resolve("contracts/pacts");

  @Test
  void everyPactTheConsumerTestsWroteIsCheckedInUnchanged() {
    Map<String, Path> written = written();
    assumeTrue(!written.isEmpty(), "no consumer module was built in this run");

    List<String> drift = new ArrayList<>();
    written.forEach(
        (name, file) -> {
          Path copy = CHECKED_IN.resolve(name);
          if (!Files.exists(copy)) {
            drift.add(name + ": written by the consumer tests, not checked in");
          } else if (!normalised(file).equals(normalised(copy))) {
            drift.add(name + ": differs from " + file);
          }
        });
    assertThat(drift).as("pacts to copy from */target/pacts to contracts/pacts").isEmpty();
  }

  @Test
  void everyCheckedInPactIsStillWrittenByItsConsumer() {
    Map<String, Path> written = written();
    List<String> stale = new ArrayList<>();
    for (Path copy : checkedIn()) {
      String consumer = (String) ((Map<?, ?>) read(copy).get("consumer")).get("name");
      Path module = ROOT.resolve(consumer).resolve("target/pacts");
      if (Files.isDirectory(module) && !written.containsKey(copy.getFileName().toString())) {
        stale.add(copy.getFileName() + ": " + consumer + "'s tests no longer write it");
      }
    }
    assertThat(stale)
        .as(
            "checked-in pacts no consumer test writes (after a run of that consumer's whole"
                + " test suite: a run of some of its tests writes some of its pacts)")
        .isEmpty();
    assertThat(checkedIn()).as("checked-in pacts").hasSizeGreaterThanOrEqualTo(13);
  }

  @Test
  void aChangedExpectationIsDrift() {
    Path pact = CHECKED_IN.resolve("gateway-service-message-service.json");
    Map<String, Object> changed = read(pact);
    @SuppressWarnings("unchecked")
    Map<String, Object> first =
        (Map<String, Object>) ((List<?>) changed.get("interactions")).get(0);
    first.put("description", first.get("description") + " (edited)");

    assertThat(normalise(changed)).isNotEqualTo(normalised(pact));
    assertThat(normalise(read(pact))).isEqualTo(normalised(pact));
  }

  /** The pacts of this build: every module's {@code target/pacts/*.json}, by file name. */
  private static Map<String, Path> written() {
    Map<String, Path> written = new TreeMap<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(Files::isDirectory).toList()) {
        Path pacts = module.resolve("target/pacts");
        if (Files.isDirectory(pacts)) {
          try (Stream<Path> files = Files.list(pacts)) {
            files
                .filter(f -> f.toString().endsWith(".json"))
                .forEach(f -> written.put(f.getFileName().toString(), f));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return written;
  }

  private static List<Path> checkedIn() {
    try (Stream<Path> files = Files.list(CHECKED_IN)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> read(Path file) {
    try {
      return new Yaml().load(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object normalised(Path file) {
    return normalise(read(file));
  }

  @SuppressWarnings("unchecked")
  private static Object normalise(Map<String, Object> pact) {
    Map<String, Object> copy = new LinkedHashMap<>(pact);
    List<Map<String, Object>> interactions = new ArrayList<>();
    for (Object interaction : (List<?>) pact.get("interactions")) {
      Map<String, Object> kept = new TreeMap<>((Map<String, Object>) interaction);
      kept.remove("key");
      interactions.add(kept);
    }
    interactions.sort(Comparator.comparing(Object::toString));
    copy.put("interactions", interactions);
    return new TreeMap<>(copy).toString();
  }
}
