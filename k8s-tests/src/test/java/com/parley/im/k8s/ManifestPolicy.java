package com.parley.im.k8s;

import static com.parley.im.k8s.RenderedManifests.describe;
import static com.parley.im.k8s.RenderedManifests.name;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules every rendered overlay must keep (ADR 0018), each a list of violations (empty: kept).
 * Deployments are the services; any pod template (the dev StatefulSets too) must meet Pod Security
 * "restricted".
 */
final class ManifestPolicy {

  private static final Pattern GAUGE =
      Pattern.compile("Gauge\\.builder\\(\\s*\"(im\\.gateway\\.sockets[a-z.]*)\"");

  private final Path repository;

  ManifestPolicy(Path repository) {
    this.repository = repository;
  }

  List<String> check(RenderedManifests manifests) {
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> object : manifests.objects()) {
      Map<String, Object> pod = Yaml2.map(object, "spec", "template", "spec");
      if (!pod.isEmpty()) {
        restricted(describe(object), pod, problems);
      }
    }
    for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
      service(manifests, deployment, problems);
    }
    ingress(manifests, problems);
    networkPolicies(manifests, problems);
    return problems;
  }

  private static void restricted(String what, Map<String, Object> pod, List<String> problems) {
    Map<String, Object> security = Yaml2.map(pod, "securityContext");
    if (!Boolean.TRUE.equals(security.get("runAsNonRoot"))) {
      problems.add(what + ": pod securityContext.runAsNonRoot is not true");
    }
    if (security.get("fsGroup") == null) {
      problems.add(what + ": pod securityContext.fsGroup is not set");
    }
    if (!"RuntimeDefault".equals(Yaml2.value(security, "seccompProfile", "type"))) {
      problems.add(what + ": pod seccompProfile is not RuntimeDefault");
    }
    for (Map<String, Object> container : Yaml2.list(pod, "containers")) {
      String c = what + " container " + container.get("name");
      Map<String, Object> cs = Yaml2.map(container, "securityContext");
      if (!Boolean.FALSE.equals(cs.get("allowPrivilegeEscalation"))) {
        problems.add(c + ": allowPrivilegeEscalation is not false");
      }
      Object drop = Yaml2.value(cs, "capabilities", "drop");
      if (!(drop instanceof List<?> d && d.contains("ALL"))) {
        problems.add(c + ": capabilities do not drop ALL");
      }
      String image = String.valueOf(container.get("image"));
      String tag = image.contains("@") ? "digest" : image.replaceFirst("^.*/", "");
      if (!tag.contains(":") && !tag.equals("digest") || image.endsWith(":latest")) {
        problems.add(c + ": image " + image + " has no fixed tag");
      }
      if (Yaml2.value(container, "resources", "limits", "memory") == null
          || Yaml2.value(container, "resources", "requests", "memory") == null
          || Yaml2.value(container, "resources", "requests", "cpu") == null) {
        problems.add(c + ": resources need requests (cpu, memory) and a memory limit");
      }
    }
    for (Map<String, Object> volume : Yaml2.list(pod, "volumes")) {
      Object mode = Yaml2.value(volume, "secret", "defaultMode");
      if (mode instanceof Integer m && (m & 0040) == 0) {
        problems.add(
            what + ": secret volume " + volume.get("name") + " is not group-readable (fsGroup)");
      }
    }
  }

  private void service(
      RenderedManifests manifests, Map<String, Object> deployment, List<String> problems) {
    String name = name(deployment);
    String what = describe(deployment);
    Map<String, Object> pod = Yaml2.map(deployment, "spec", "template", "spec");
    Map<String, Object> labels = Yaml2.map(deployment, "spec", "template", "metadata", "labels");
    List<Map<String, Object>> containers = Yaml2.list(pod, "containers");
    Map<String, Object> container =
        containers.stream().filter(c -> name.equals(c.get("name"))).findFirst().orElse(null);
    if (container == null) {
      problems.add(what + ": no container named after the service");
      return;
    }
    if (!Boolean.TRUE.equals(Yaml2.value(container, "securityContext", "readOnlyRootFilesystem"))) {
      problems.add(what + ": readOnlyRootFilesystem is not true");
    }
    Set<String> emptyDirs = new HashSet<>();
    for (Map<String, Object> v : Yaml2.list(pod, "volumes")) {
      if (v.containsKey("emptyDir")) {
        emptyDirs.add((String) v.get("name"));
      }
    }
    boolean tmp =
        Yaml2.list(container, "volumeMounts").stream()
            .anyMatch(m -> "/tmp".equals(m.get("mountPath")) && emptyDirs.contains(m.get("name")));
    if (!tmp) {
      problems.add(what + ": no emptyDir on /tmp");
    }
    if (Yaml2.value(container, "resources", "limits", "cpu") == null) {
      problems.add(what + ": no cpu limit");
    }

    Map<String, String> env = environment(manifests, container);
    Map<String, String> settings = ServiceSettings.read(repository, name);
    Integer managementPort = null;
    for (Map<String, Object> port : Yaml2.list(container, "ports")) {
      if ("management".equals(port.get("name"))) {
        managementPort = (Integer) port.get("containerPort");
      }
    }
    if (managementPort == null
        || !String.valueOf(managementPort).equals(env.get("IM_MANAGEMENT_PORT"))) {
      problems.add(
          what + ": containerPort `management` must equal IM_MANAGEMENT_PORT (" + env + ")");
    }
    probe(what, container, "startupProbe", "/actuator/health/liveness", problems);
    probe(what, container, "livenessProbe", "/actuator/health/liveness", problems);
    probe(what, container, "readinessProbe", "/actuator/health/readiness", problems);

    Object preStop = Yaml2.value(container, "lifecycle", "preStop", "sleep", "seconds");
    Object grace = pod.get("terminationGracePeriodSeconds");
    int phase = ServiceSettings.shutdownPhaseSeconds(repository);
    if (!(preStop instanceof Integer p) || !(grace instanceof Integer g) || g < p + phase) {
      problems.add(
          what
              + ": needs a preStop sleep and terminationGracePeriodSeconds >= preStop + "
              + phase
              + " s (graceful shutdown), got preStop="
              + preStop
              + " grace="
              + grace);
    }

    settings.forEach(
        (variable, fallback) -> {
          String value = env.get(variable);
          if (value == null) {
            problems.add(
                what
                    + ": "
                    + variable
                    + " (default `"
                    + fallback
                    + "`) is read by "
                    + name
                    + " but not set");
          } else if (!variable.equals("IM_ALLOWED_ORIGINS")
              && (value.contains("127.0.0.1") || value.contains("localhost"))) {
            problems.add(what + ": " + variable + " points at loopback in a pod: " + value);
          }
        });

    boolean pdb =
        manifests.ofKind("PodDisruptionBudget").stream()
            .anyMatch(p -> selects(Yaml2.map(p, "spec", "selector", "matchLabels"), labels));
    if (!pdb) {
      problems.add(what + ": no PodDisruptionBudget selects its pods");
    }
    Map<String, Object> hpa =
        manifests.ofKind("HorizontalPodAutoscaler").stream()
            .filter(h -> name.equals(Yaml2.value(h, "spec", "scaleTargetRef", "name")))
            .findFirst()
            .orElse(null);
    if (hpa == null) {
      problems.add(what + ": no HorizontalPodAutoscaler");
    } else if (name.equals("gateway-service")) {
      gatewayAutoscaler(what, hpa, problems);
    } else if (Yaml2.list(hpa, "spec", "metrics").stream()
        .noneMatch(m -> "cpu".equals(Yaml2.value(m, "resource", "name")))) {
      problems.add(what + ": HPA does not scale on cpu");
    }
  }

  private void gatewayAutoscaler(String what, Map<String, Object> hpa, List<String> problems) {
    Matcher gauge =
        GAUGE.matcher(
            ServiceSettings.readString(
                repository.resolve(
                    "gateway-service/src/main/java/com/parley/im/gateway/session/SessionRegistry.java")));
    String metric = gauge.find() ? gauge.group(1).replace('.', '_') : "(no socket gauge found)";
    boolean onSockets =
        Yaml2.list(hpa, "spec", "metrics").stream()
            .anyMatch(
                m ->
                    "Pods".equals(m.get("type"))
                        && metric.equals(Yaml2.value(m, "pods", "metric", "name")));
    if (!onSockets) {
      problems.add(what + ": HPA does not scale on the pods metric " + metric);
    }
    Object window = Yaml2.value(hpa, "spec", "behavior", "scaleDown", "stabilizationWindowSeconds");
    if (!(window instanceof Integer w) || w < 900) {
      problems.add(what + ": gateway scale-down stabilization window under 15 minutes: " + window);
    }
  }

  private static void probe(
      String what,
      Map<String, Object> container,
      String probe,
      String path,
      List<String> problems) {
    Map<String, Object> get = Yaml2.map(container, probe, "httpGet");
    if (!path.equals(get.get("path")) || !"management".equals(get.get("port"))) {
      problems.add(what + ": " + probe + " must GET " + path + " on port `management`, got " + get);
    }
  }

  /** The variables a container gets: its env, and the keys of ConfigMaps and Secrets it loads. */
  private static Map<String, String> environment(
      RenderedManifests manifests, Map<String, Object> container) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (Map<String, Object> from : Yaml2.list(container, "envFrom")) {
      for (String kind : List.of("configMapRef", "secretRef")) {
        Object ref = Yaml2.value(from, kind, "name");
        String objectKind = kind.equals("configMapRef") ? "ConfigMap" : "Secret";
        manifests.ofKind(objectKind).stream()
            .filter(o -> Objects.equals(ref, name(o)))
            .forEach(o -> Yaml2.map(o, "data").forEach((k, v) -> env.put(k, String.valueOf(v))));
      }
    }
    for (Map<String, Object> variable : Yaml2.list(container, "env")) {
      Object value = variable.get("value");
      env.put(
          (String) variable.get("name"), value == null ? "(from a reference)" : value.toString());
    }
    return env;
  }

  private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
    return !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static void ingress(RenderedManifests manifests, List<String> problems) {
    for (Map<String, Object> ingress : manifests.ofKind("Ingress")) {
      Map<String, Object> annotations = Yaml2.map(ingress, "metadata", "annotations");
      if (!annotations.containsKey("nginx.ingress.kubernetes.io/proxy-read-timeout")) {
        problems.add(describe(ingress) + ": no WebSocket read timeout");
      }
      for (Map<String, Object> rule : Yaml2.list(ingress, "spec", "rules")) {
        for (Map<String, Object> path : Yaml2.list(rule, "http", "paths")) {
          String p = String.valueOf(path.get("path"));
          Object backend = Yaml2.value(path, "backend", "service", "name");
          if (!(p.equals("/api")
              || p.equals("/ws")
              || p.startsWith("/api/")
              || p.startsWith("/ws/"))) {
            problems.add(
                describe(ingress) + ": routes " + p + " (only /api and /ws may be public)");
          }
          if (!"gateway-service".equals(backend)) {
            problems.add(
                describe(ingress) + ": routes " + p + " to " + backend + ", not the gateway");
          }
        }
      }
    }
  }

  private static void networkPolicies(RenderedManifests manifests, List<String> problems) {
    List<Map<String, Object>> policies = manifests.ofKind("NetworkPolicy");
    boolean defaultDeny =
        policies.stream()
            .anyMatch(
                p ->
                    Yaml2.map(p, "spec", "podSelector").isEmpty()
                        && Yaml2.list(p, "spec", "ingress").isEmpty()
                        && Yaml2.list(p, "spec", "egress").isEmpty()
                        && Objects.equals(
                            Yaml2.value(p, "spec", "policyTypes"), List.of("Ingress", "Egress")));
    if (!defaultDeny) {
      problems.add("no default-deny NetworkPolicy (ingress and egress)");
    }
    // From outside the namespace only the gateway's service port; others only their management
    // port.
    for (Map<String, Object> policy : policies) {
      Object target =
          Yaml2.value(policy, "spec", "podSelector", "matchLabels", "app.kubernetes.io/name");
      for (Map<String, Object> rule : Yaml2.list(policy, "spec", "ingress")) {
        boolean outside =
            Yaml2.list(rule, "from").stream()
                    .anyMatch(f -> f.containsKey("namespaceSelector") || f.containsKey("ipBlock"))
                || Yaml2.list(rule, "from").isEmpty();
        if (!outside || "gateway-service".equals(target)) {
          continue;
        }
        boolean managementOnly =
            !Yaml2.list(rule, "ports").isEmpty()
                && Yaml2.list(rule, "ports").stream()
                    .allMatch(p -> p.get("port") instanceof Integer n && n >= 9000 && n < 10000);
        String from =
            Yaml2.list(rule, "from").stream()
                .map(
                    f ->
                        String.valueOf(
                            Yaml2.value(
                                f,
                                "namespaceSelector",
                                "matchLabels",
                                "kubernetes.io/metadata.name")))
                .collect(java.util.stream.Collectors.joining(","));
        boolean service = String.valueOf(target).endsWith("-service");
        boolean allowed =
            from.equals("monitoring") && managementOnly
                || from.matches("cnpg-system|rabbitmq-system") && !service;
        if (!allowed) {
          problems.add(describe(policy) + ": admits traffic from outside the namespace: " + rule);
        }
      }
    }
  }
}
