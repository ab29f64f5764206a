package com.parley.im.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks fail on a broken copy: each test copies k8s/ and the service settings the policies
 * read into a temporary repository, breaks one thing, renders the dev overlay and expects the
 * violation; {@link #theCleanCopyPasses} shows the copy itself is complete.
 */
class BrokenManifestsTests {

  @TempDir Path copy;

  private final SchemaValidator schema = new SchemaValidator();

  @BeforeEach
  void copyTheRepository() throws IOException {
    Path root = Repository.root();
    try (Stream<Path> files = Files.walk(root.resolve("k8s"))) {
      files.filter(Files::isRegularFile).forEach(f -> copyFile(root, f));
    }
    try (Stream<Path> files = Files.list(root)) {
      for (Path module : files.filter(Files::isDirectory).toList()) {
        Path resources = module.resolve("src/main/resources");
        if (Files.isDirectory(resources)) {
          try (Stream<Path> yml = Files.list(resources)) {
            yml.filter(
                    f ->
                        f.getFileName().toString().matches("application.*\\.ya?ml|.*\\.properties"))
                .forEach(f -> copyFile(root, f));
          }
        }
      }
    }
    copyFile(
        root,
        root.resolve(
            "gateway-service/src/main/java/com/parley/im/gateway/session/SessionRegistry.java"));
  }

  @Test
  void theCleanCopyPasses() {
    assertThat(violations()).isEmpty();
  }

  @Test
  void aMissingReadinessProbeFails() {
    edit(
        "k8s/base/message-service.yaml",
"""
          readinessProbe:
            httpGet:
              path: /actuator/health/readiness
              port: management
            periodSeconds: 5
            timeoutSeconds: 2
            failureThreshold: 3
""",
        "");

    assertThat(violations())
        .anySatisfy(v -> assertThat(v).contains("Deployment/message-service: readinessProbe"));
  }

  @Test
  void anUnknownFieldFailsTheSchema() {
    edit(
        "k8s/base/user-service.yaml",
        "  revisionHistoryLimit: 3",
        "  revisionHistoryLimit: 3\n  replica: 2");

    assertThat(violations())
        .anySatisfy(v -> assertThat(v).contains("Deployment/user-service").contains("[replica]"));
  }

  @Test
  void aMisspelledFieldDeepInAContainerFailsTheSchema() {
    edit(
        "k8s/base/relation-service.yaml",
        "            timeoutSeconds: 2\n            failureThreshold: 3\n          readinessProbe:",
        "            timeoutSecond: 2\n            failureThreshold: 3\n          readinessProbe:");

    assertThat(violations())
        .anySatisfy(
            v ->
                assertThat(v)
                    .contains("Deployment/relation-service")
                    .contains("livenessProbe")
                    .contains("[timeoutSecond]"));
  }

  @Test
  void anUnknownFieldOfAnOperatorKindFails() {
    edit("k8s/overlays/prod/postgres-cluster.yaml", "  instances: 3", "  instance: 3");

    RenderedManifests prod = RenderedManifests.render(copy.resolve("k8s/overlays/prod"));
    List<String> problems = new java.util.ArrayList<>();
    prod.objects().forEach(o -> problems.addAll(schema.validate(o)));

    assertThat(problems)
        .anySatisfy(v -> assertThat(v).contains("Cluster/parley-postgres: spec.instance is not"))
        .anySatisfy(v -> assertThat(v).contains("spec.instances is required"));
  }

  @Test
  void aValueOfTheWrongTypeFailsTheSchema() {
    edit(
        "k8s/base/unread-service.yaml", "      containerPort: 8085", "      containerPort: [8085]");

    assertThat(violations())
        .anySatisfy(
            v -> assertThat(v).contains("Deployment/unread-service").contains("containerPort"));
  }

  @Test
  void aServiceUriAtLoopbackFails() {
    edit(
        "k8s/base/gateway-service.yaml",
        "value: \"http://presence-service:8084\"",
        "value: \"http://127.0.0.1:8084\"");

    assertThat(violations())
        .anySatisfy(
            v ->
                assertThat(v)
                    .contains("Deployment/gateway-service: IM_PRESENCE_URI points at loopback"));
  }

  @Test
  void anEnvVariableTheServiceNeedsFails() {
    edit(
        "k8s/base/message-service.yaml",
"""
            - name: IM_MEDIA_URI
              value: "http://media-service:8086"
""",
        "");

    assertThat(violations())
        .anySatisfy(
            v ->
                assertThat(v)
                    .contains("Deployment/message-service: IM_MEDIA_URI")
                    .contains("127.0.0.1"));
  }

  @Test
  void aNewSettingOfAServiceFailsUntilTheManifestsGiveIt() {
    edit(
        "relation-service/src/main/resources/application.yml",
        "im:\n",
        "im:\n  relation-new-setting: ${IM_RELATION_NEW_SETTING:42}\n");

    assertThat(violations())
        .anySatisfy(
            v ->
                assertThat(v)
                    .contains("Deployment/relation-service: IM_RELATION_NEW_SETTING")
                    .contains("but not set"));
  }

  @Test
  void latestImagesRootFilesystemsAndUnreadableSecretsFail() {
    edit("k8s/base/presence-service.yaml", ":0.1.0-SNAPSHOT", ":latest");
    edit(
        "k8s/base/user-service.yaml",
        "            defaultMode: 0440",
        "            defaultMode: 0400");
    edit(
        "k8s/base/media-service.yaml",
        "readOnlyRootFilesystem: true",
        "readOnlyRootFilesystem: false");

    assertThat(violations())
        .anySatisfy(v -> assertThat(v).contains("presence-service").contains("no fixed tag"))
        .anySatisfy(v -> assertThat(v).contains("user-service").contains("not group-readable"))
        .anySatisfy(v -> assertThat(v).contains("media-service: readOnlyRootFilesystem"));
  }

  @Test
  void routingInternalOrDroppingTheDefaultDenyFails() {
    edit("k8s/base/ingress.yaml", "          - path: /ws\n", "          - path: /\n");
    edit(
        "k8s/base/network-policies.yaml",
        "  name: default-deny\nspec:\n  podSelector: {}",
        "  name: default-deny\nspec:\n  podSelector:\n    matchLabels:\n      x: y");

    assertThat(violations())
        .anySatisfy(v -> assertThat(v).contains("routes / (only /api and /ws"))
        .anySatisfy(v -> assertThat(v).contains("no default-deny NetworkPolicy"));
  }

  @Test
  void aGatewayAutoscalerOnCpuFails() {
    edit("k8s/base/gateway-service.yaml", "name: im_gateway_sockets", "name: im_gateway_frames");

    assertThat(violations())
        .anySatisfy(v -> assertThat(v).contains("pods metric im_gateway_sockets"));
  }

  private List<String> violations() {
    RenderedManifests manifests = RenderedManifests.render(copy.resolve("k8s/overlays/dev"));
    List<String> all = new java.util.ArrayList<>();
    manifests.objects().forEach(o -> all.addAll(schema.validate(o)));
    all.addAll(new ManifestPolicy(copy).check(manifests));
    return all;
  }

  private void edit(String file, String from, String to) {
    Path path = copy.resolve(file);
    String text = ServiceSettings.readString(path);
    assertThat(text).as("%s contains the text to break", file).contains(from);
    try {
      Files.writeString(path, text.replace(from, to));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void copyFile(Path root, Path file) {
    try {
      Path target = copy.resolve(root.relativize(file));
      Files.createDirectories(target.getParent());
      Files.copy(file, target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
