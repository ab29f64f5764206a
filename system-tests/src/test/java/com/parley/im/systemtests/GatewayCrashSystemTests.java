package com.parley.im.systemtests;

import static com.parley.im.systemtests.ParleyClient.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Account;
import com.parley.im.systemtests.ParleyClient.Response;
import com.parley.im.systemtests.ParleyClient.Session;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * A gateway that dies without a word ({@code kill -9}) takes its users offline after its lease (ADR
 * 0005: renewed every 5 s, 15 s long, plus at most one 2 s sweep of presence-service), not at once
 * and not never.
 *
 * <p>The test starts a second gateway instance of the built system (the jar and JVM flags that
 * {@code ./im} uses, its own {@code IM_GATEWAY_INSTANCE_ID}, a port from 18080), puts alice's only
 * device on it, lets her friend bob watch through the main gateway, and kills the second gateway
 * with SIGKILL.
 */
@ExtendWith(RunningSystem.class)
class GatewayCrashSystemTests {

  /** Lease (15 s) + sweep interval (2 s) + a generous margin for a busy 2-core machine. */
  private static final Duration OFFLINE_AFTER_KILL_AT_MOST = Duration.ofSeconds(45);

  /**
   * How long alice must still be online after the kill: the last renewal was at most 5 s before it,
   * so the 15 s lease has at least 10 s left.
   */
  private static final Duration STILL_ONLINE_AFTER_KILL = Duration.ofSeconds(3);

  private static final Duration GATEWAY_START = Duration.ofSeconds(180);

  private final ParleyClient client = new ParleyClient();

  private Session newUser(String prefix) {
    Account account = client.register(prefix);
    return client.login(account, ParleyClient.uniqueDeviceId("dev"));
  }

  private static String id(Session session) {
    return session.account().id();
  }

  /**
   * Makes the two friends while {@code requester} has a socket open, and waits for its {@code
   * friend_accepted}: by then the acceptance has passed the broker, on its way to presence too.
   */
  private void makeFriends(Session requester, WsConnection requesterSocket, Session other) {
    AtomicReference<Response> sent = new AtomicReference<>();
    await("relation-service knows " + other.account().username())
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              sent.set(
                  client.post(
                      "/api/friend-requests",
                      Map.of("toUserId", id(other)),
                      requester.accessToken()));
              return sent.get().status() != 404;
            });
    String requestId = sent.get().expectStatus(201).json().path("id").asString();
    client
        .post("/api/friend-requests/" + requestId + "/accept", null, other.accessToken())
        .expectStatus(200);
    requesterSocket.awaitFrame(
        "a `friend_accepted` frame for " + requestId,
        f ->
            "friend_accepted".equals(f.path("type").asString())
                && requestId.equals(f.path("requestId").asString()));
  }

  private JsonNode presenceOf(Session asker, Session of) {
    List<JsonNode> answer =
        items(
            client
                .get("/api/presence?userIds=" + id(of), asker.accessToken())
                .expectStatus(200)
                .json());
    assertThat(answer).as("presence of one user").hasSize(1);
    return answer.get(0);
  }

  private static boolean isPresence(JsonNode frame, Session of, boolean online) {
    return "presence".equals(frame.path("type").asString())
        && id(of).equals(frame.path("userId").asString())
        && frame.path("online").isBoolean()
        && frame.path("online").asBoolean() == online;
  }

  @Test
  void aKilledGatewaysUsersGoOfflineAfterItsLease() {
    // Not 9080-9086: ./im's management ports (ADR 0007); this one's is port + 1000.
    int port = ServiceProcess.freePort(18080, 18089);
    String instanceId = "gw-crash-" + UUID.randomUUID().toString().substring(0, 8);

    // Started first: it boots while the users are made.
    try (ServiceProcess gateway =
            ServiceProcess.start(
                "gateway",
                "crash-gateway",
                port,
                Map.of("IM_GATEWAY_INSTANCE_ID", instanceId),
                Map.of());
        Heartbeat heartbeat = new Heartbeat()) {
      Session alice = newUser("gcA");
      Session bob = newUser("gcB");
      WsConnection bobSocket = heartbeat.keep(WsConnection.withBearer(bob.accessToken()));
      try {
        bobSocket.awaitType("welcome");
        makeFriends(bob, bobSocket, alice);
        gateway.awaitReady(GATEWAY_START);
        aliceOnTheSecondGateway(gateway, port, instanceId, heartbeat, alice, bob, bobSocket);
      } finally {
        heartbeat.close();
        bobSocket.close();
      }
    }
  }

  private void aliceOnTheSecondGateway(
      ServiceProcess gateway,
      int port,
      String instanceId,
      Heartbeat heartbeat,
      Session alice,
      Session bob,
      WsConnection bobSocket) {
    // alice's only device: logged in through the main gateway, socket on the second one.
    WsConnection aliceSocket =
        heartbeat.keep(
            WsConnection.connect(
                URI.create("ws://127.0.0.1:" + port + "/ws"),
                Map.of("Authorization", "Bearer " + alice.accessToken())));
    try {
      JsonNode welcome = aliceSocket.awaitType("welcome");
      assertThat(welcome.path("type").asString()).isEqualTo("welcome");

      JsonNode online =
          bobSocket.awaitFrame(
              "a `presence` frame: alice (on " + instanceId + ") online",
              f -> isPresence(f, alice, true));
      Instant onlineSince = Instant.parse(online.path("lastSeenAt").asString());
      await("GET /api/presence shows alice online to bob")
          .atMost(WsConnection.TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> presenceOf(bob, alice).path("online").asBoolean(false));

      gateway.killHard();
      Instant killedAt = Instant.now();

      // Not at once: nothing told presence about the socket; only the lease can end it.
      await("alice still online " + STILL_ONLINE_AFTER_KILL.toSeconds() + " s after the kill")
          .during(STILL_ONLINE_AFTER_KILL)
          .atMost(STILL_ONLINE_AFTER_KILL.plusSeconds(5))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  presenceOf(bob, alice).path("online").asBoolean(false)
                      && bobSocket.frames().stream().noneMatch(f -> isPresence(f, alice, false)));

      // After the lease: the sweeper turns her offline and tells her friend.
      JsonNode offline;
      try {
        offline =
            await("a `presence` frame: alice offline")
                .atMost(OFFLINE_AFTER_KILL_AT_MOST)
                .pollInterval(Duration.ofMillis(100))
                .until(
                    () ->
                        bobSocket.frames().stream()
                            .filter(f -> isPresence(f, alice, false))
                            .findFirst(),
                    Optional::isPresent)
                .orElseThrow();
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            "bob got no `presence` frame with alice offline within "
                + OFFLINE_AFTER_KILL_AT_MOST.toSeconds()
                + " s of the kill (lease 15 s + sweep 2 s + margin); presence API now: "
                + presenceOf(bob, alice)
                + "; bob's frames: "
                + bobSocket.frames(),
            e);
      }
      Duration offlineAfter = Duration.between(killedAt, Instant.now());
      System.out.println(
          "[system-tests] alice went offline " + offlineAfter.toMillis() + " ms after the kill");
      assertThat(offlineAfter)
          .as("offline only after the lease could lapse")
          .isGreaterThanOrEqualTo(STILL_ONLINE_AFTER_KILL);
      Instant lastSeen = Instant.parse(offline.path("lastSeenAt").asString());
      assertThat(lastSeen)
          .as("lastSeenAt when alice went offline")
          .isAfterOrEqualTo(onlineSince)
          .isBefore(Instant.now().plusSeconds(60));

      JsonNode shown =
          await("GET /api/presence shows alice offline to bob")
              .atMost(WsConnection.TIMEOUT)
              .pollInterval(Duration.ofMillis(250))
              .until(
                  () -> presenceOf(bob, alice),
                  p -> p.path("online").isBoolean() && !p.path("online").asBoolean());
      assertThat(shown.path("lastSeenAt").isNull()).as("lastSeenAt in %s", shown).isFalse();
      assertThat(Instant.parse(shown.path("lastSeenAt").asString()))
          .as("API lastSeenAt after the kill")
          .isEqualTo(lastSeen);
    } finally {
      aliceSocket.close();
    }
  }
}
