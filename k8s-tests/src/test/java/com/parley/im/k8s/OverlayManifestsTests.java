package com.parley.im.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every overlay renders, validates against the API schema and keeps the policies (ADR 0018). */
class OverlayManifestsTests {

  private static final List<String> SERVICES =
      List.of(
          "gateway-service",
          "user-service",
          "relation-service",
          "message-service",
          "presence-service",
          "unread-service",
          "media-service");

  /** Each overlay rendered once per test run (a render costs a kubectl process). */
  private static final Map<String, RenderedManifests> RENDERED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Path root = Repository.root();
  private final SchemaValidator schema = new SchemaValidator();
  private final ManifestPolicy policy = new ManifestPolicy(root);

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void overlayIsValidAgainstTheApiSchema(String overlay) {
    RenderedManifests manifests = rendered(overlay);

    assertThat(manifests.objects()).hasSizeGreaterThan(40);
    assertThat(manifests.objects().stream().flatMap(o -> schema.validate(o).stream())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void overlayKeepsThePolicies(String overlay) {
    RenderedManifests manifests = rendered(overlay);

    assertThat(policy.check(manifests)).isEmpty();
    assertThat(manifests.ofKind("Deployment").stream().map(RenderedManifests::name))
        .containsExactlyInAnyOrderElementsOf(SERVICES);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everySecretTheServicesReadIsRenderedOrMadeByAnOperatorOrDocumented(String overlay) {
    RenderedManifests manifests = rendered(overlay);
    Set<String> known =
        manifests.ofKind("Secret").stream()
            .map(RenderedManifests::name)
            .collect(Collectors.toSet());
    manifests.ofKind("Cluster").forEach(c -> known.add(RenderedManifests.name(c) + "-app"));
    manifests
        .ofKind("RabbitmqCluster")
        .forEach(c -> known.add(RenderedManifests.name(c) + "-default-user"));
    // Key Secrets and the TLS certificate, created by hand or cert-manager (k8s/README.md).
    known.addAll(
        Set.of(
            "parley-service-key",
            "parley-jwt-signing-key",
            "parley-message-keys",
            "parley-media-url-key",
            "parley-tls"));

    Set<String> referenced = new java.util.TreeSet<>();
    manifests.objects().forEach(o -> secretReferences(o, referenced));
    assertThat(referenced).isNotEmpty().allSatisfy(n -> assertThat(known).contains(n));
  }

  @Test
  void prodReadsTheOperatorsSecretsAndDevGeneratesThem() {
    RenderedManifests dev = rendered("dev");
    RenderedManifests prod = rendered("prod");

    assertThat(prod.ofKind("Secret")).isEmpty();
    assertThat(prod.ofKind("Cluster"))
        .extracting(RenderedManifests::name)
        .contains("parley-postgres");
    assertThat(prod.ofKind("RabbitmqCluster"))
        .extracting(RenderedManifests::name)
        .contains("parley-rabbitmq");
    assertThat(prod.ofKind("StatefulSet"))
        .extracting(RenderedManifests::name)
        .contains("redis", "redis-replica");
    assertThat(dev.ofKind("StatefulSet"))
        .extracting(RenderedManifests::name)
        .containsExactlyInAnyOrder("postgres", "redis", "rabbitmq");
    assertThat(dev.ofKind("Secret"))
        .allSatisfy(
            s ->
                assertThat(Map.copyOf(Yaml2.map(s, "data")).values().stream().map(String::valueOf))
                    .isNotEmpty());
  }

  private RenderedManifests rendered(String overlay) {
    return RENDERED.computeIfAbsent(
        overlay, o -> RenderedManifests.render(root.resolve("k8s/overlays/" + o)));
  }

  /** Names in {@code secretName} (volumes) and {@code secretKeyRef.name} (env), anywhere. */
  private static void secretReferences(Object node, Set<String> names) {
    if (node instanceof Map<?, ?> map) {
      if (map.get("secretName") instanceof String name) {
        names.add(name);
      }
      if (map.get("secretKeyRef") instanceof Map<?, ?> ref && ref.get("name") instanceof String n) {
        names.add(n);
      }
      map.values().forEach(v -> secretReferences(v, names));
    } else if (node instanceof List<?> list) {
      list.forEach(v -> secretReferences(v, names));
    }
  }
}
