package com.parley.im.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * Real PostgreSQL, Redis and RabbitMQ for integration tests, decided once per JVM.
 *
 * <p>{@code IM_TEST_INFRA} chooses: {@code docker} (Testcontainers), {@code local} (the servers on
 * 127.0.0.1:5432 postgres/trust, 6379, 5672 guest/guest; hosts and ports overridable with {@code
 * IM_TEST_PG_HOST}, {@code IM_TEST_PG_PORT}, ...), or {@code auto} (the default: Docker when an
 * engine answers, the local servers otherwise). If neither is there, every integration test fails
 * with a message that says so; nothing is skipped.
 *
 * <p>Each test run is isolated: its own databases ({@code t_<run>_<service>}, dropped when the JVM
 * exits), its own Redis key prefix ({@code t<run>:<service>:}) and its own broker names (exchange
 * and queue prefix {@code t<run>.}, queues that expire once unused).
 */
public final class TestInfrastructure {

  private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);
  private static volatile TestInfrastructure instance;

  private final String runId =
      UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT);
  private final Endpoints endpoints;
  private final Set<String> databases = ConcurrentHashMap.newKeySet();

  /** Where the three servers listen. */
  public record Endpoints(
      String pgHost,
      int pgPort,
      String pgUser,
      String pgPassword,
      String redisHost,
      int redisPort,
      String rabbitHost,
      int rabbitPort,
      String rabbitUser,
      String rabbitPassword,
      String mode) {}

  private TestInfrastructure(Endpoints endpoints) {
    this.endpoints = endpoints;
    Runtime.getRuntime().addShutdownHook(new Thread(this::dropDatabases, "drop-test-databases"));
    log.info("Test infrastructure: {} (run {})", endpoints.mode(), runId);
  }

  /** The infrastructure of this JVM, started or checked on first use. */
  public static TestInfrastructure get() {
    TestInfrastructure local = instance;
    if (local == null) {
      synchronized (TestInfrastructure.class) {
        local = instance;
        if (local == null) {
          local = new TestInfrastructure(decide());
          instance = local;
        }
      }
    }
    return local;
  }

  public String runId() {
    return runId;
  }

  public Endpoints endpoints() {
    return endpoints;
  }

  /** Registers a fresh database, Redis prefix and broker prefix for one service's context. */
  public void registerAll(DynamicPropertyRegistry registry, String service) {
    registerPostgres(registry, service);
    registerRedis(registry, service);
    registerRabbit(registry);
    TestServiceTokens.register(registry);
  }

  public void registerPostgres(DynamicPropertyRegistry registry, String service) {
    String database = createDatabase(service);
    String hostPort = endpoints.pgHost() + ":" + endpoints.pgPort();
    registry.add("spring.r2dbc.url", () -> "r2dbc:postgresql://" + hostPort + "/" + database);
    registry.add("spring.r2dbc.username", endpoints::pgUser);
    registry.add("spring.r2dbc.password", endpoints::pgPassword);
    registry.add("spring.flyway.url", () -> "jdbc:postgresql://" + hostPort + "/" + database);
    registry.add("spring.flyway.user", endpoints::pgUser);
    registry.add("spring.flyway.password", endpoints::pgPassword);
  }

  public void registerRedis(DynamicPropertyRegistry registry, String service) {
    registry.add("spring.data.redis.host", endpoints::redisHost);
    registry.add("spring.data.redis.port", endpoints::redisPort);
    registry.add("im.redis.key-prefix", () -> redisPrefix(service));
  }

  public void registerRabbit(DynamicPropertyRegistry registry) {
    registry.add("spring.rabbitmq.host", endpoints::rabbitHost);
    registry.add("spring.rabbitmq.port", endpoints::rabbitPort);
    registry.add("spring.rabbitmq.username", endpoints::rabbitUser);
    registry.add("spring.rabbitmq.password", endpoints::rabbitPassword);
    registry.add("spring.cloud.stream.rabbit.default.producer.prefix", this::brokerPrefix);
    registry.add("spring.cloud.stream.rabbit.default.consumer.prefix", this::brokerPrefix);
    registry.add("spring.cloud.stream.rabbit.default.consumer.expires", () -> 120_000);
    registry.add("spring.cloud.stream.rabbit.default.consumer.dlq-expires", () -> 120_000);
  }

  /** The Redis key prefix of one service in this run. */
  public String redisPrefix(String service) {
    return "t" + runId + ":" + service + ":";
  }

  /** The exchange and queue name prefix of this run. */
  public String brokerPrefix() {
    return "t" + runId + ".";
  }

  /** Creates (once per JVM and name) the database {@code t_<run>_<name>} and returns its name. */
  public String createDatabase(String name) {
    String database = "t_" + runId + "_" + name.replaceAll("[^a-z0-9_]", "_");
    if (databases.add(database)) {
      execute("create database " + database);
    }
    return database;
  }

  /** A JDBC URL of the given database, for tests that inspect state directly. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + endpoints.pgHost() + ":" + endpoints.pgPort() + "/" + database;
  }

  private void execute(String sql) {
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl("postgres"), endpoints.pgUser(), endpoints.pgPassword());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused: " + sql, e);
    }
  }

  private void dropDatabases() {
    for (String database : databases) {
      try {
        execute("drop database if exists " + database + " with (force)");
      } catch (RuntimeException e) {
        log.warn("Could not drop test database {}: {}", database, e.getMessage());
      }
    }
  }

  private static Endpoints decide() {
    String mode = env("IM_TEST_INFRA", "auto").toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "docker" -> containers();
      case "local" -> local();
      case "auto" -> DockerClientFactory.instance().isDockerAvailable() ? containers() : local();
      default ->
          throw new IllegalStateException(
              "IM_TEST_INFRA must be auto, docker or local, not '" + mode + "'");
    };
  }

  private static Endpoints local() {
    String pgHost = env("IM_TEST_PG_HOST", "127.0.0.1");
    int pgPort = Integer.parseInt(env("IM_TEST_PG_PORT", "5432"));
    String redisHost = env("IM_TEST_REDIS_HOST", "127.0.0.1");
    int redisPort = Integer.parseInt(env("IM_TEST_REDIS_PORT", "6379"));
    String rabbitHost = env("IM_TEST_RABBIT_HOST", "127.0.0.1");
    int rabbitPort = Integer.parseInt(env("IM_TEST_RABBIT_PORT", "5672"));
    StringBuilder missing = new StringBuilder();
    check("PostgreSQL", pgHost, pgPort, missing);
    check("Redis", redisHost, redisPort, missing);
    check("RabbitMQ", rabbitHost, rabbitPort, missing);
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "Integration tests need real PostgreSQL, Redis and RabbitMQ. No Docker engine was used"
              + " (IM_TEST_INFRA="
              + env("IM_TEST_INFRA", "auto")
              + ") and these local servers do not answer:"
              + missing
              + ". Start them (bash .ci/run starts them on a Debian-like machine) or run with a"
              + " Docker engine and IM_TEST_INFRA=docker.");
    }
    return new Endpoints(
        pgHost,
        pgPort,
        env("IM_TEST_PG_USER", "postgres"),
        env("IM_TEST_PG_PASSWORD", ""),
        redisHost,
        redisPort,
        rabbitHost,
        rabbitPort,
        env("IM_TEST_RABBIT_USER", "guest"),
        env("IM_TEST_RABBIT_PASSWORD", "guest"),
        "local servers");
  }

  @SuppressWarnings("resource") // containers live as long as the JVM; Ryuk removes them
  private static Endpoints containers() {
    PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:15-alpine");
    GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
    RabbitMQContainer rabbit = new RabbitMQContainer("rabbitmq:3.13-alpine");
    postgres.start();
    redis.start();
    rabbit.start();
    return new Endpoints(
        postgres.getHost(),
        postgres.getMappedPort(5432),
        postgres.getUsername(),
        postgres.getPassword(),
        redis.getHost(),
        redis.getMappedPort(6379),
        rabbit.getHost(),
        rabbit.getAmqpPort(),
        rabbit.getAdminUsername(),
        rabbit.getAdminPassword(),
        "Testcontainers");
  }

  private static void check(String name, String host, int port, StringBuilder missing) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
    } catch (IOException e) {
      missing.append(' ').append(name).append(" at ").append(host).append(':').append(port);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
