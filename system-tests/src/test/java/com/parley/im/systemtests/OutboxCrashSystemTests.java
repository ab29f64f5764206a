package com.parley.im.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Account;
import com.parley.im.systemtests.ParleyClient.Response;
import com.parley.im.systemtests.ParleyClient.Session;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * A crash between the database commit and the publish loses no event (ADR 0004): the outbox row
 * committed with the change is published when the service runs again.
 *
 * <p>The test replaces the running relation-service by one started with its outbox relay off
 * ({@code im.outbox.relay-enabled=false}: the change and its outbox row are committed, nothing is
 * published, as if the process died right after the commit), sends a friend request (201), kills
 * that process with SIGKILL, and starts relation-service again through {@code ./im up}. The {@code
 * FriendRequestSent} event must then reach a queue of the test's own bound to the {@code
 * friend-request-sent} exchange, and the recipient's open socket its {@code friend_request} notice.
 * The normal relation-service runs again at the end whatever happens, for the other system tests.
 */
@ExtendWith(RunningSystem.class)
class OutboxCrashSystemTests {

  private static final String EXCHANGE = "friend-request-sent";
  private static final Duration SERVICE_START = Duration.ofSeconds(180);

  /** How long nothing may arrive while the relay is off. */
  private static final Duration SILENCE = Duration.ofSeconds(3);

  private final ParleyClient client = new ParleyClient();
  private ServiceProcess relayless;

  private Session newUser(String prefix) {
    Account account = client.register(prefix);
    return client.login(account, ParleyClient.uniqueDeviceId("dev"));
  }

  private static String id(Session session) {
    return session.account().id();
  }

  /** Whatever happened: no relay-less relation-service left, the normal one up. */
  @AfterEach
  void restoreRelationService() {
    if (relayless != null) {
      relayless.close();
    }
    ServiceProcess.ensureImServiceRunning("relation", SERVICE_START.plusSeconds(60));
  }

  /** A queue of the test's own on the exchange: records the bodies of the events that arrive. */
  private static final class EventQueue implements AutoCloseable {
    private final Connection connection;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    EventQueue(String exchange) throws IOException, TimeoutException {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setHost(env("RABBITMQ_HOST", "127.0.0.1"));
      factory.setPort(Integer.parseInt(env("RABBITMQ_PORT", "5672")));
      factory.setUsername(env("RABBITMQ_USER", "guest"));
      factory.setPassword(env("RABBITMQ_PASSWORD", "guest"));
      connection = factory.newConnection("outbox-crash-system-test");
      Channel channel = connection.createChannel();
      // The exchange as relation-service's binder declares it (durable topic), so this works
      // whether or not it already exists.
      channel.exchangeDeclare(exchange, "topic", true);
      // Server-named, exclusive, auto-deleted with this connection.
      String queue = channel.queueDeclare().getQueue();
      channel.queueBind(queue, exchange, "#");
      channel.basicConsume(
          queue,
          true,
          (tag, delivery) -> {
            try {
              events.add(ParleyClient.JSON.readTree(delivery.getBody()));
            } catch (RuntimeException notJson) {
              events.add(
                  ParleyClient.JSON
                      .createObjectNode()
                      .put("notJson", new String(delivery.getBody())));
            }
          },
          tag -> {});
    }

    private static String env(String name, String fallback) {
      String value = System.getenv(name);
      return value == null || value.isBlank() ? fallback : value;
    }

    boolean has(String requestId) {
      return events.stream().anyMatch(e -> requestId.equals(e.path("requestId").asString()));
    }

    List<JsonNode> events() {
      return List.copyOf(events);
    }

    @Override
    public void close() throws IOException {
      connection.close();
    }
  }

  /**
   * Sends a friend request, repeating it while relation-service does not know the recipient yet
   * (404) or the gateway's circuit to it is still open from the restart (503).
   */
  private Response sendRequest(Session from, Session to) {
    return client.postUntil(
        "relation-service takes a friend request from " + from.account().username(),
        "/api/friend-requests",
        Map.of("toUserId", id(to)),
        from.accessToken(),
        answer -> answer.status() != 404 && answer.status() != 503);
  }

  @Test
  void anEventCommittedBeforeACrashIsPublishedAfterTheRestart() throws Exception {
    Session alice = newUser("ocA");
    Session bob = newUser("ocB");
    int relationPort = ServiceProcess.port("relation");

    try (EventQueue queue = new EventQueue(EXCHANGE);
        WsConnection bobSocket = WsConnection.withBearer(bob.accessToken());
        Heartbeat heartbeat = new Heartbeat()) { // closed first, before bob's socket
      heartbeat.keep(bobSocket); // the restarts may outlast 2.5 heartbeat intervals
      bobSocket.awaitType("welcome");

      long t0 = System.nanoTime();
      assertThat(ServiceProcess.stopImService("relation", Duration.ofSeconds(30)))
          .as("./im's relation-service was running (pid file under .im/pids)")
          .isTrue();
      relayless =
          ServiceProcess.start(
              "relation",
              "relayless-relation",
              relationPort,
              Map.of(),
              Map.of("im.outbox.relay-enabled", "false"));
      long stopped = System.nanoTime();
      relayless.awaitReady(SERVICE_START);
      long relaylessUp = System.nanoTime();

      JsonNode request = sendRequest(alice, bob).expectStatus(201).json();
      String requestId = request.path("id").asString();
      assertThat(requestId).as("request id in %s", request).isNotBlank();

      // Committed: bob's incoming requests list it (read from relation's database).
      assertThat(
              ParleyClient.items(
                      client
                          .get(
                              "/api/friend-requests?direction=incoming&status=pending",
                              bob.accessToken())
                          .expectStatus(200)
                          .json())
                  .stream()
                  .map(r -> r.path("id").asString()))
          .as("bob's pending incoming requests")
          .contains(requestId);

      // ...but not published: the relay is off.
      try {
        await("nothing published while the relay is off")
            .during(SILENCE)
            .atMost(SILENCE.plusSeconds(5))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    !queue.has(requestId)
                        && bobSocket.frames().stream()
                            .noneMatch(f -> "friend_request".equals(f.path("type").asString())));
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            "FriendRequestSent for "
                + requestId
                + " was published by a relation-service started with"
                + " -Dim.outbox.relay-enabled=false (does its outbox know that switch?); on the"
                + " queue: "
                + queue.events()
                + "; bob's frames: "
                + bobSocket.frames(),
            e);
      }

      // The crash: kill -9, the event still only in the outbox table.
      relayless.killHard();

      long killed = System.nanoTime();
      ServiceProcess.restartImService("relation", SERVICE_START.plusSeconds(60));
      long restarted = System.nanoTime();
      System.out.printf(
          "[system-tests] relation-service stopped in %d ms, relay-less one ready in %d ms,"
              + " killed after %d ms, restarted by ./im in %d ms%n",
          (stopped - t0) / 1_000_000,
          (relaylessUp - stopped) / 1_000_000,
          (killed - relaylessUp) / 1_000_000,
          (restarted - killed) / 1_000_000);

      await(
              "FriendRequestSent for "
                  + requestId
                  + " on the test's queue after the restart; events seen: "
                  + queue.events())
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> queue.has(requestId));
      JsonNode event =
          queue.events().stream()
              .filter(e -> requestId.equals(e.path("requestId").asString()))
              .findFirst()
              .orElseThrow();
      assertThat(event.path("fromUserId").asString()).as("event %s", event).isEqualTo(id(alice));
      assertThat(event.path("toUserId").asString()).as("event %s", event).isEqualTo(id(bob));
      assertThat(
              queue.events().stream().filter(e -> requestId.equals(e.path("requestId").asString())))
          .as("published once")
          .hasSize(1);

      JsonNode frame =
          bobSocket.awaitFrame(
              "bob's `friend_request` notice for " + requestId + " after the restart",
              f ->
                  "friend_request".equals(f.path("type").asString())
                      && requestId.equals(f.path("request").path("id").asString()));
      assertThat(frame.path("request").path("fromUserId").asString()).isEqualTo(id(alice));
    }
  }
}
