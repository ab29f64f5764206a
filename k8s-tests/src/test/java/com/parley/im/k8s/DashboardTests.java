package com.parley.im.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The checked-in Grafana dashboard ({@code docs/observability/grafana-dashboard.json}) parses, and
 * every Parley metric it queries is a meter some service registers: a renamed or removed meter
 * breaks this test instead of leaving an empty panel.
 */
class DashboardTests {

  private static final Path DASHBOARD =
      Repository.root().resolve("docs/observability/grafana-dashboard.json");
  private static final Pattern QUERIED = Pattern.compile("\\bim_[a-z_]+");
  private static final Pattern REGISTERED =
      Pattern.compile(
          "(?:Counter|Gauge|Timer|DistributionSummary|FunctionCounter)\\.builder\\(\\s*\"(im\\.[a-z.\\-]+)\"");
  private static final List<String> SUFFIXES =
      List.of("", "_total", "_rows", "_seconds", "_sum", "_count", "_max");

  @Test
  @SuppressWarnings("unchecked")
  void theDashboardParsesAndHasPanelsWithQueries() throws IOException {
    Map<String, Object> dashboard = new Yaml().load(Files.readString(DASHBOARD));
    List<Map<String, Object>> panels = (List<Map<String, Object>>) dashboard.get("panels");
    assertThat(panels).isNotEmpty();
    for (Map<String, Object> panel : panels) {
      assertThat((List<?>) panel.get("targets"))
          .as("queries of %s", panel.get("title"))
          .isNotEmpty();
    }
  }

  @Test
  void everyParleyMetricItQueriesIsRegisteredBySomeService() throws IOException {
    Set<String> registered = registeredPrometheusNames();
    assertThat(registered).as("meters found in the sources").contains("im_gateway_sockets");

    Set<String> unknown = new TreeSet<>();
    Matcher queried = QUERIED.matcher(Files.readString(DASHBOARD));
    while (queried.find()) {
      String name = queried.group();
      if (SUFFIXES.stream().noneMatch(suffix -> registered.contains(strip(name, suffix)))) {
        unknown.add(name);
      }
    }
    assertThat(unknown).as("metrics the dashboard queries that no service registers").isEmpty();
  }

  private static String strip(String name, String suffix) {
    return name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : "";
  }

  /** Micrometer meter names in every module's main sources, in their Prometheus spelling. */
  private static Set<String> registeredPrometheusNames() throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Repository.root())) {
      for (Path file :
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> p.toString().contains("/src/main/"))
              .toList()) {
        Matcher m = REGISTERED.matcher(Files.readString(file));
        while (m.find()) {
          names.add(m.group(1).replace('.', '_').replace('-', '_'));
        }
      }
    }
    return names;
  }
}
