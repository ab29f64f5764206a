package com.parley.im.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** The objects one overlay renders to, as `kubectl kustomize` prints them (plain maps). */
record RenderedManifests(Path overlay, List<Map<String, Object>> objects) {

  /** Renders {@code overlay} with the installed kubectl (its bundled kustomize; no cluster). */
  static RenderedManifests render(Path overlay) {
    try {
      Path out = Files.createTempFile("kustomize", ".yaml");
      Path err = Files.createTempFile("kustomize", ".err");
      Process process =
          new ProcessBuilder("kubectl", "kustomize", overlay.toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl kustomize " + overlay + " took over 60 s");
      }
      String yaml = Files.readString(out, StandardCharsets.UTF_8);
      String error = Files.readString(err, StandardCharsets.UTF_8);
      Files.delete(out);
      Files.delete(err);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("kubectl kustomize " + overlay + " failed: " + error);
      }
      return new RenderedManifests(overlay, parse(yaml));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kubectl kustomize " + overlay, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> parse(String yaml) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object doc : new Yaml(new LoaderOptions()).loadAll(yaml)) {
      if (doc != null) {
        objects.add((Map<String, Object>) doc);
      }
    }
    return objects;
  }

  List<Map<String, Object>> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  static String name(Map<String, Object> object) {
    return (String) Yaml2.map(object, "metadata").get("name");
  }

  static String describe(Map<String, Object> object) {
    return object.get("kind") + "/" + name(object);
  }
}
