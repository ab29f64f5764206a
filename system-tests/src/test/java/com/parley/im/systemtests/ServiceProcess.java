package com.parley.im.systemtests;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One service JVM started by a system test itself, the way {@code ./im} starts it: the same
 * runnable jar (the one {@code ./im} extracted into {@code .im/app/<svc>-service/x/}, else the jar
 * under {@code <svc>-service/target/}), the same JVM flags ({@code IM_JAVA_OPTS} or {@code ./im}'s
 * small-footprint default), the class-data archive {@code ./im} keeps when there is one, {@code
 * PORT} and the other services' addresses in the environment. Its output goes to {@code
 * system-tests/target/<name>.log}.
 *
 * <p>The JVM is this test JVM's own child (no shell, no {@code setsid} in between), so {@link
 * #killHard()} ({@link Process#destroyForcibly()}) is a {@code kill -9} of exactly that service.
 * {@link #close()} kills it too when still alive, and a shutdown hook does so should the test JVM
 * end first: no test leaves one behind.
 *
 * <p>Also here: stopping a service that {@code ./im} started (by its pid file) and running {@code
 * ./im} itself, for the tests that restart a service of the running system.
 */
final class ServiceProcess implements AutoCloseable {

  /**
   * {@code ./im}'s default JVM flags (JAVA_OPTS_DEFAULT there), used unless IM_JAVA_OPTS is set.
   */
  private static final String IM_JAVA_OPTS_DEFAULT =
      "-Xmx256m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"
          + " -XX:ReservedCodeCacheSize=64m -Djava.security.egd=file:/dev/urandom";

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

  private final String name;
  private final int port;
  private final Process process;
  private final Path log;
  private final Thread reaper;

  private ServiceProcess(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
    this.reaper = new Thread(process::destroyForcibly, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * Starts {@code <service>-service} on {@code port}.
   *
   * @param service gateway, relation, ...
   * @param name a name for the log file and messages
   * @param env extra environment variables (on top of PORT and the services' addresses)
   * @param systemProperties extra {@code -D} flags
   */
  static ServiceProcess start(
      String service,
      String name,
      int port,
      Map<String, String> env,
      Map<String, String> systemProperties) {
    if (portAnswers(port)) {
      throw new IllegalStateException(
          "cannot start " + name + ": port " + port + " is already taken by another process");
    }
    Path root = RunningSystem.repositoryRoot();
    Path jar = runnableJar(root, service);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = System.getenv("IM_JAVA_OPTS");
    command.addAll(
        List.of(
            (opts == null || opts.isBlank() ? IM_JAVA_OPTS_DEFAULT : opts).trim().split("\\s+")));
    Path archive = root.resolve(".im/app/" + service + "-service/app.jsa");
    if (jar.startsWith(root.resolve(".im/app")) && Files.isRegularFile(archive)) {
      // Mapped read-only, as ./im does on every start after the first one of a build.
      command.add("-XX:SharedArchiveFile=" + archive);
      command.add("-Xlog:cds=off");
      command.add("-Xlog:cds+dynamic=off");
    }
    systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(jar.toString());

    Path log = root.resolve("system-tests/target/" + name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> environment = builder.environment();
    environment.put("PORT", Integer.toString(port));
    // As ./im starts them (ADR 0007): the management port at port + 1000, the shared service key,
    // and the six services on 127.0.0.1 only.
    environment.put("IM_MANAGEMENT_PORT", Integer.toString(port + 1000));
    environment.put("IM_SERVICE_KEY_FILE", serviceKeyFile().toString());
    if (!service.equals("gateway")) {
      environment.put("SERVER_ADDRESS", "127.0.0.1");
    }
    if (service.equals("gateway")) {
      environment.put("IM_USER_URI", "http://127.0.0.1:" + port("user"));
      environment.put("IM_JWKS_URI", "http://127.0.0.1:" + port("user") + "/api/auth/jwks");
      environment.put("IM_RELATION_URI", "http://127.0.0.1:" + port("relation"));
      environment.put("IM_MESSAGE_URI", "http://127.0.0.1:" + port("message"));
      environment.put("IM_PRESENCE_URI", "http://127.0.0.1:" + port("presence"));
      environment.put("IM_UNREAD_URI", "http://127.0.0.1:" + port("unread"));
      environment.put("IM_MEDIA_URI", "http://127.0.0.1:" + port("media"));
    }
    environment.putAll(TraceReceiver.exportEnvironment());
    environment.putAll(env);
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "=== system test starting " + name + ": " + command + "\n");
      Process process = builder.start();
      System.out.println(
          "[system-tests] started " + name + " (pid " + process.pid() + ", port " + port + ")");
      return new ServiceProcess(name, port, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  /** The service key ./im generated (outside the repository, like the other development keys). */
  static Path serviceKeyFile() {
    String home = System.getenv("IM_HOME");
    Path base =
        home == null || home.isBlank()
            ? Path.of(System.getProperty("user.home"), ".parley")
            : Path.of(home);
    return base.resolve("dev-keys/service-key");
  }

  /** The service's port under ./im: IM_<SVC>_PORT or its default. */
  static int port(String service) {
    String value = System.getenv("IM_" + service.toUpperCase(Locale.ROOT) + "_PORT");
    return value == null || value.isBlank()
        ? DEFAULT_PORTS.get(service)
        : Integer.parseInt(value.trim());
  }

  /** The first port of {@code from..to} on which nothing answers. */
  static int freePort(int from, int to) {
    for (int port = from; port <= to; port++) {
      if (!portAnswers(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port in " + from + "-" + to);
  }

  private static boolean portAnswers(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The jar ./im runs: the extracted one when ./im extracted this build, else the built one. */
  static Path runnableJar(Path root, String service) {
    String prefix = service + "-service-";
    Optional<Path> extracted = newestJar(root.resolve(".im/app/" + service + "-service/x"), prefix);
    if (extracted.isPresent()) {
      return extracted.get();
    }
    return newestJar(root.resolve(service + "-service/target"), prefix)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no jar of " + service + "-service: build it first (./mvnw package)"));
  }

  private static Optional<Path> newestJar(Path dir, String prefix) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> p.getFileName().toString().endsWith(".jar"))
          .filter(p -> !p.getFileName().toString().endsWith("-plain.jar"))
          .max(Comparator.comparing(p -> p.toFile().lastModified()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until {@code /readyz} says UP; fails at once if the JVM exits. */
  ServiceProcess awaitReady(Duration atMost) {
    try {
      await(name + " ready on :" + port)
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError(
                      name
                          + " exited during start-up (exit "
                          + process.exitValue()
                          + ")\n"
                          + tail());
                }
                return ready(port);
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(name + " not ready within " + atMost + "\n" + tail(), e);
    }
    return this;
  }

  static boolean ready(int port) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                  .timeout(Duration.ofSeconds(3))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().contains("\"status\":\"UP\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code kill -9}: SIGKILL to the JVM, then waits until it is gone. */
  void killHard() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError(name + " (pid " + pid() + ") still alive 30 s after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    System.out.println(
        "[system-tests] killed " + name + " with SIGKILL (exit " + process.exitValue() + ")");
  }

  /** The last lines of the service's log, for failure messages. */
  String tail() {
    return tail(log, 60);
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "----- last lines of "
          + file
          + " -----\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()))
          + "\n----- end -----";
    } catch (IOException e) {
      return "(no log at " + file + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      killHard();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  // ----------------------------------------------------------------------------------------------
  // services started by ./im

  /**
   * Stops the service that {@code ./im} started (pid in {@code .im/pids/<svc>-service.pid}) as
   * {@code ./im down} would, but only that one: SIGTERM, up to {@code grace} for a graceful stop
   * (longer if it writes its class-data archive at exit), then SIGKILL. Like {@code ./im down}, it
   * keeps a class-data archive written at a clean exit. Answers false when ./im runs no such
   * service.
   */
  static boolean stopImService(String service, Duration grace) {
    Path root = RunningSystem.repositoryRoot();
    Path pidFile = root.resolve(".im/pids/" + service + "-service.pid");
    Optional<ProcessHandle> handle = Optional.empty();
    try {
      if (Files.isRegularFile(pidFile)) {
        handle = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
      }
    } catch (IOException | NumberFormatException e) {
      handle = Optional.empty();
    }
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    ProcessHandle running = handle.get();
    boolean dumping =
        running.info().arguments().stream()
            .flatMap(java.util.Arrays::stream)
            .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"));
    Duration limit = dumping ? grace.plusSeconds(75) : grace;
    System.out.println(
        "[system-tests] stopping ./im's "
            + service
            + "-service (pid "
            + running.pid()
            + ", SIGTERM, up to "
            + limit.toSeconds()
            + " s)");
    running.destroy();
    boolean clean;
    try {
      running.onExit().get(limit.toSeconds(), TimeUnit.SECONDS);
      clean = true;
    } catch (TimeoutException e) {
      running.destroyForcibly();
      clean = false;
      try {
        running.onExit().get(30, TimeUnit.SECONDS);
      } catch (InterruptedException | ExecutionException | TimeoutException ignored) {
        // reported below by the caller's readiness checks
      }
    } catch (ExecutionException e) {
      clean = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Path app = root.resolve(".im/app/" + service + "-service");
    try {
      Files.deleteIfExists(pidFile);
      Path written = app.resolve("app.jsa.tmp");
      if (clean && Files.size(written) > 0) {
        Files.move(written, app.resolve("app.jsa"), StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.deleteIfExists(written);
      }
    } catch (IOException noArchive) {
      // nothing was written: fine
    }
    return true;
  }

  /**
   * Starts {@code ./im}'s own process of one service again ({@code IM_SERVICES=<service> ./im up})
   * and fails the test with ./im's output when that does not work.
   */
  static void restartImService(String service, Duration timeout) {
    ImRun up = im("up", Map.of("IM_SERVICES", service), timeout);
    if (up.exitCode() != 0) {
      throw new AssertionError(
          "IM_SERVICES=" + service + " ./im up exited with " + up.exitCode() + ": " + up.output());
    }
  }

  /** Starts {@code ./im}'s process of the service again unless the service answers ready. */
  static void ensureImServiceRunning(String service, Duration timeout) {
    if (!ready(port(service))) {
      restartImService(service, timeout);
    }
  }

  /** The outcome of one {@code ./im} run. */
  record ImRun(int exitCode, String output) {}

  /**
   * Runs {@code ./im <command>} with these environment variables (and IM_SKIP_BUILD=1: the tests
   * run what the reactor packaged) and waits for it.
   */
  static ImRun im(String command, Map<String, String> env, Duration timeout) {
    Path root = RunningSystem.repositoryRoot();
    Path out = root.resolve("system-tests/target/im-" + command + ".out");
    ProcessBuilder builder =
        new ProcessBuilder(root.resolve("im").toString(), command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> environment = new LinkedHashMap<>(TraceReceiver.exportEnvironment());
    environment.putAll(env);
    environment.putIfAbsent("IM_SKIP_BUILD", "1");
    builder.environment().putAll(environment);
    try {
      Files.createDirectories(out.getParent());
      Process process = builder.start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new ImRun(-1, "./im " + command + " did not finish within " + timeout);
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      System.out.print(output);
      return new ImRun(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running ./im " + command, e);
    }
  }
}
