package com.parley.im.k8s;

import java.util.List;
import java.util.Map;

/** Null-tolerant navigation of parsed YAML (absent keys read as empty). */
final class Yaml2 {

  private Yaml2() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object parent, String... path) {
    Object current = parent;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> m)) {
        return Map.of();
      }
      current = m.get(key);
    }
    return current instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object parent, String... path) {
    Object current = parent;
    for (int i = 0; i < path.length - 1; i++) {
      current = map(current, path[i]);
    }
    Object value = map(current).get(path[path.length - 1]);
    return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  static Object value(Object parent, String... path) {
    Object current = parent;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }
}
