package com.parley.im.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny built web app in a temporary folder, served by the test context (ADR 0026). */
public final class TestWebApp {

  public static final String INDEX =
      "<!doctype html><title>Parley</title><script type=\"module\" src=\"/app.js\"></script>";
  public static final String SCRIPT = "console.log('parley');";

  private static Path root;

  private TestWebApp() {}

  public static synchronized Path root() {
    if (root == null) {
      try {
        Path dir = Files.createTempDirectory("parley-web-");
        Files.writeString(dir.resolve("index.html"), INDEX);
        Files.writeString(dir.resolve("app.js"), SCRIPT);
        Files.writeString(dir.resolve(".secret"), "not served");
        Files.writeString(dir.getParent().resolve(dir.getFileName() + "-outside.txt"), "outside");
        dir.toFile().deleteOnExit();
        root = dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }
}
