package com.parley.im.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structural checks of the operator kinds in the prod overlay (ADR 0018): their CRD schemas are not
 * on Maven Central, so this holds the fields we use, checked against each operator's documented API
 * (CloudNativePG 1.26 {@code postgresql.cnpg.io/v1}, RabbitMQ cluster operator 2.x {@code
 * rabbitmq.com/v1beta1}): unknown top-level spec fields and the required ones fail.
 */
final class OperatorKinds {

  private record Kind(Set<String> specFields, Set<String> required) {}

  private static final Map<String, Kind> KINDS =
      Map.of(
          "postgresql.cnpg.io/v1/Cluster",
          new Kind(
              Set.of(
                  "instances",
                  "imageName",
                  "inheritedMetadata",
                  "bootstrap",
                  "storage",
                  "walStorage",
                  "resources",
                  "postgresql",
                  "monitoring",
                  "backup",
                  "affinity",
                  "primaryUpdateStrategy",
                  "enableSuperuserAccess"),
              Set.of("instances", "storage")),
          "postgresql.cnpg.io/v1/Database",
          new Kind(
              Set.of("name", "owner", "cluster", "ensure", "encoding", "template"),
              Set.of("name", "owner", "cluster")),
          "rabbitmq.com/v1beta1/RabbitmqCluster",
          new Kind(
              Set.of(
                  "replicas",
                  "image",
                  "resources",
                  "persistence",
                  "rabbitmq",
                  "override",
                  "affinity",
                  "tolerations",
                  "service",
                  "tls"),
              Set.of("replicas")));

  private OperatorKinds() {}

  static boolean handles(Map<String, Object> object) {
    return KINDS.containsKey(key(object))
        || String.valueOf(object.get("apiVersion")).matches(".*(cnpg\\.io|rabbitmq\\.com)/.*");
  }

  static List<String> check(Map<String, Object> object) {
    List<String> problems = new ArrayList<>();
    Kind kind = KINDS.get(key(object));
    if (kind == null) {
      problems.add("operator kind not checked here: " + key(object));
      return problems;
    }
    Map<String, Object> spec = Yaml2.map(object, "spec");
    for (String field : spec.keySet()) {
      if (!kind.specFields().contains(field)) {
        problems.add("spec." + field + " is not a field this repository knows for " + key(object));
      }
    }
    for (String field : kind.required()) {
      if (!spec.containsKey(field)) {
        problems.add("spec." + field + " is required");
      }
    }
    Object replicas = spec.containsKey("instances") ? spec.get("instances") : spec.get("replicas");
    if (spec.containsKey("instances") || spec.containsKey("replicas")) {
      if (!(replicas instanceof Integer n) || n < 1) {
        problems.add("replicas/instances must be a positive integer, got " + replicas);
      }
    }
    return problems;
  }

  private static String key(Map<String, Object> object) {
    return object.get("apiVersion") + "/" + object.get("kind");
  }
}
