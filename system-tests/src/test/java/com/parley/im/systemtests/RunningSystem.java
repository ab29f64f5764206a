package com.parley.im.systemtests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes sure the whole system runs before the first system test.
 *
 * <p>When the gateway answers at {@code IM_BASE_URL} (default {@code http://localhost:8080}) and,
 * for a local address, all seven services report ready, the tests use that system as it is.
 * Otherwise this runs {@code ./im up} (with {@code IM_SKIP_BUILD=1}: the reactor packaged the jars
 * before this module) and {@code ./im down} after the last test class. When the system cannot
 * start, every test fails with the output of {@code ./im up}, which ends with the failing service's
 * log tail. Nothing is ever skipped.
 */
public final class RunningSystem implements BeforeAllCallback {

  private static final List<String> ALL_SERVICES =
      List.of("gateway", "user", "relation", "message", "presence", "unread", "media");

  /** The services to check: all seven, or IM_SERVICES (the same subset that ./im starts). */
  static List<String> services() {
    String subset = System.getenv("IM_SERVICES");
    return subset == null || subset.isBlank() ? ALL_SERVICES : List.of(subset.trim().split("\\s+"));
  }

  private static final Map<String, Integer> DEFAULT_PORTS =
      Map.of(
          "gateway", 8080,
          "user", 8081,
          "relation", 8082,
          "message", 8083,
          "presence", 8084,
          "unread", 8085,
          "media", 8086);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The gateway's base address, without a trailing slash. */
  public static String baseUrl() {
    String url = System.getenv("IM_BASE_URL");
    if (url == null || url.isBlank()) {
      url = System.getProperty("im.base-url", "http://localhost:8080");
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.create(RunningSystem.class))
        .getOrComputeIfAbsent("system", key -> Started.start(), Started.class)
        .check();
  }

  /** The outcome of the one start attempt per test run; closed after the last test. */
  static final class Started implements AutoCloseable {
    private final boolean startedByUs;
    private final String failure;
    private final Path root;

    private Started(boolean startedByUs, String failure, Path root) {
      this.startedByUs = startedByUs;
      this.failure = failure;
      this.root = root;
    }

    static Started start() {
      startTraceReceiver();
      if (systemIsUp()) {
        System.out.println("[system-tests] using the system already running at " + baseUrl());
        return new Started(false, null, null);
      }
      if (!isLocal()) {
        return new Started(
            false, "IM_BASE_URL=" + baseUrl() + " does not answer (and is not local)", null);
      }
      Path root = repositoryRoot();
      System.out.println("[system-tests] system not up: running ./im up in " + root);
      Result up = run(root, Duration.ofSeconds(upTimeoutSeconds() + 240), "up");
      if (up.exitCode != 0) {
        Result down = run(root, Duration.ofSeconds(60), "down");
        return new Started(
            false,
            "./im up failed (exit "
                + up.exitCode
                + "); its output, with the failing service's log tail:\n"
                + up.output
                + "\n./im down: "
                + down.output,
            root);
      }
      if (!systemIsUp()) {
        run(root, Duration.ofSeconds(60), "down");
        return new Started(false, "./im up succeeded but the system is not healthy", root);
      }
      return new Started(true, null, root);
    }

    void check() {
      if (failure != null) {
        throw new IllegalStateException("The system under test is not running.\n" + failure);
      }
    }

    @Override
    public void close() {
      if (startedByUs) {
        System.out.println("[system-tests] ./im down");
        run(root, Duration.ofSeconds(180), "down"); // its output is echoed as it runs
      }
    }
  }

  /**
   * Starts the test JVM's span store before the system, so that {@code ./im up} can point every
   * service's OTLP export at it (ADR 0028). A system that was already running exports there only if
   * it was started with {@link TraceReceiver#exportEnvironment()}.
   */
  private static void startTraceReceiver() {
    try {
      TraceReceiver.get();
    } catch (UncheckedIOException e) {
      // Only the tracing test needs it; it fails on its own with this reason.
      System.out.println("[system-tests] no span receiver: " + e.getMessage());
    }
  }

  private static long upTimeoutSeconds() {
    String value = System.getenv("IM_UP_TIMEOUT");
    // More than ./im's interactive default (180 s): the reactor's own tests may still be winding
    // down on a busy 2-core machine, where seven cold JVMs were seen to need 174 s.
    return value == null || value.isBlank() ? 300 : Long.parseLong(value.trim());
  }

  private static boolean isLocal() {
    String host = URI.create(baseUrl()).getHost().toLowerCase(Locale.ROOT);
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
  }

  static boolean systemIsUp() {
    if (!isLocal()) {
      return answers(baseUrl() + "/readyz", false);
    }
    for (String service : services()) {
      if (!answers("http://127.0.0.1:" + port(service) + "/readyz", /* needUp= */ true)) {
        return false;
      }
    }
    return true;
  }

  private static int port(String service) {
    if (service.equals("gateway")) {
      return URI.create(baseUrl()).getPort() > 0 ? URI.create(baseUrl()).getPort() : 80;
    }
    String value = System.getenv("IM_" + service.toUpperCase(Locale.ROOT) + "_PORT");
    return value == null || value.isBlank()
        ? DEFAULT_PORTS.get(service)
        : Integer.parseInt(value.trim());
  }

  private static boolean answers(String url, boolean needUp) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return !needUp
          || (response.statusCode() == 200 && response.body().contains("\"status\":\"UP\""));
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The checkout's root: where the {@code im} launcher lives. */
  static Path repositoryRoot() {
    String hint = System.getProperty("parley.root");
    Path start =
        Path.of(hint != null && !hint.isBlank() ? hint : System.getProperty("user.dir"))
            .toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isExecutable(dir.resolve("im"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no executable ./im found in " + start + " or above");
  }

  private record Result(int exitCode, String output) {}

  private static Result run(Path root, Duration timeout, String command) {
    ProcessBuilder builder =
        new ProcessBuilder(root.resolve("im").toString(), command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().put("IM_SKIP_BUILD", "1");
    builder.environment().putAll(TraceReceiver.exportEnvironment());
    builder.environment().put("IM_UP_TIMEOUT", Long.toString(upTimeoutSeconds()));
    try {
      Process process = builder.start();
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      Thread pump =
          new Thread(
              () -> {
                try (InputStream in = process.getInputStream()) {
                  byte[] buffer = new byte[8192];
                  int n;
                  while ((n = in.read(buffer)) >= 0) {
                    System.out.write(buffer, 0, n);
                    System.out.flush();
                    synchronized (output) {
                      output.write(buffer, 0, n);
                    }
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              "im-" + command + "-output");
      pump.setDaemon(true);
      pump.start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "./im " + command + " did not finish within " + timeout);
      }
      pump.join(TimeUnit.SECONDS.toMillis(5));
      synchronized (output) {
        return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running ./im " + command, e);
    }
  }
}
