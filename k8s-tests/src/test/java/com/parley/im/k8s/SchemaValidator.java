package com.parley.im.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates rendered objects against the Kubernetes API schema as the fabric8 model (generated from
 * the API's OpenAPI document) encodes it (ADR 0018). Every built-in kind must deserialize to its
 * typed class, and nothing may land in a model object's {@code additionalProperties}: that is where
 * fabric8 puts fields the schema does not know (a misspelling) and values of the wrong type. The
 * operator kinds of the prod overlay have no model here; {@link OperatorKinds} checks them.
 */
final class SchemaValidator {

  /** Built once: it scans the class path for the model classes. */
  private static final KubernetesSerialization serialization = new KubernetesSerialization();

  List<String> validate(Map<String, Object> object) {
    List<String> problems = new ArrayList<>();
    String what = RenderedManifests.describe(object);
    if (OperatorKinds.handles(object)) {
      OperatorKinds.check(object).forEach(p -> problems.add(what + ": " + p));
      return problems;
    }
    Object typed;
    try {
      typed = serialization.unmarshal(serialization.asJson(object));
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      problems.add(
          what
              + ": does not match the schema of "
              + object.get("apiVersion")
              + ": "
              + cause.getMessage());
      return problems;
    }
    if (typed instanceof GenericKubernetesResource) {
      problems.add(what + ": unknown kind " + object.get("apiVersion") + " " + object.get("kind"));
      return problems;
    }
    walk(typed, what, problems, new IdentityHashMap<>());
    return problems;
  }

  private static void walk(
      Object node, String path, List<String> problems, Map<Object, Object> seen) {
    if (node == null || seen.put(node, node) != null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", problems, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> entries) {
      entries.forEach((k, v) -> walk(v, path + "." + k, problems, seen));
      return;
    }
    if (!(node instanceof KubernetesResource)) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getName().equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      String field = decapitalize(getter.getName().substring(3));
      if (getter.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> extra) {
        if (!extra.isEmpty() && !isFreeForm(node)) {
          problems.add(
              path + ": not in the schema (unknown field or wrong type): " + extra.keySet());
        }
        continue;
      }
      walk(value, path + "." + field, problems, seen);
    }
  }

  /** Model classes whose content is free-form by the API's own schema. */
  private static boolean isFreeForm(Object node) {
    return Set.of("GenericKubernetesResource", "AnyType", "RawExtension")
        .contains(node.getClass().getSimpleName());
  }

  private static String decapitalize(String name) {
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
