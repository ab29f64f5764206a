package com.parley.im.presence.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.events.Destinations;
import com.parley.im.events.SocketChanged;
import com.parley.im.presence.IntegrationTestBase;
import com.parley.im.testsupport.EventTap;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gateways' socket and lease reports turn users online and offline (ADR 0005). */
class SocketPresenceIntegrationTests extends IntegrationTestBase {

  @Test
  void onlineWithTheFirstDeviceStillOnlineWithASecondAndOfflineAtOnceWhenTheLastCloses() {
    User me = user();
    User friend = user();
    User stranger = user();
    befriend(me, friend);
    String a = gateway(60);
    String b = gateway(60);
    opened(a, friend, "phone", "f1");
    opened(a, stranger, "phone", "s1");
    await().atMost(WAIT).until(() -> online(friend) && online(stranger));
    EventTap changes = tap(Destinations.PRESENCE_CHANGED);

    opened(a, me, "phone", "p1");
    await().atMost(WAIT).until(() -> online(me));
    assertThat(changes.next("userId", me.id())).containsEntry("online", true);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(presenceFrames(friend, me))
                    .singleElement()
                    .satisfies(f -> assertThat(f).containsEntry("online", true)));

    opened(b, me, "laptop", "l1");
    closed(a, me, "phone", "p1", "client");
    awaitSocketEventsApplied();
    assertThat(online(me)).as("the laptop is still open").isTrue();

    SocketChanged last = closed(b, me, "laptop", "l1", "client");
    await().atMost(WAIT).until(() -> !online(me));
    Map<String, Object> offline = self(me);
    assertThat(Instant.parse((String) offline.get("lastSeenAt")))
        .isEqualTo(last.occurredAt().truncatedTo(ChronoUnit.MICROS));
    assertThat(changes.next("userId", me.id())).containsEntry("online", false);
    assertThat(count("select count(*) from last_seen where user_id = '" + me.id() + "'"))
        .as("lastSeenAt is durable")
        .isEqualTo(1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(presenceFrames(friend, me))
                    .extracting(f -> f.get("online"))
                    .containsExactly(true, false));
    assertThat(presenceFrames(stranger, me)).as("strangers get no presence frames").isEmpty();
  }

  @Test
  void aSocketClosedForHeartbeatTimeoutTurnsTheUserOffline() {
    User me = user();
    String a = gateway(60);
    opened(a, me, "phone", "p1");
    await().atMost(WAIT).until(() -> online(me));

    closed(a, me, "phone", "p1", "heartbeat_timeout");
    await().atMost(WAIT).until(() -> !online(me));
    assertThat(self(me).get("lastSeenAt")).isNotNull();
  }

  @Test
  void aGatewayWhoseLeaseIsNotRenewedTakesItsUsersOfflineAfterTheLease() {
    User me = user();
    User friend = user();
    befriend(me, friend);
    String alive = gateway(60);
    opened(alive, friend, "phone", "f1");
    String killed = gateway(1);
    opened(killed, me, "phone", "p1");
    await().atMost(WAIT).until(() -> online(me) && online(friend));

    // No renewal from "killed" any more (kill -9): its lease ends after 1 s, a sweep follows.
    await().atMost(Duration.ofSeconds(10)).until(() -> !online(me));
    assertThat(self(me).get("lastSeenAt")).isNotNull();
    assertThat(online(friend)).as("a live gateway keeps its users").isTrue();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(presenceFrames(friend, me))
                    .extracting(f -> f.get("online"))
                    .containsExactly(true, false));
  }

  @Test
  void duplicateAndReplayedSocketEventsChangeNothing() {
    User me = user();
    User friend = user();
    befriend(me, friend);
    String a = gateway(60);
    opened(a, friend, "phone", "f1");
    SocketChanged open = opened(a, me, "phone", "p1");
    publish(Destinations.SOCKET_CHANGED, open);
    await().atMost(WAIT).until(() -> online(me));
    SocketChanged close = closed(a, me, "phone", "p1", "client");
    await().atMost(WAIT).until(() -> !online(me));

    // The broker redelivers both, late.
    publish(Destinations.SOCKET_CHANGED, open);
    publish(Destinations.SOCKET_CHANGED, close);
    awaitSocketEventsApplied();
    assertThat(online(me)).isFalse();
    assertThat(presenceFrames(friend, me))
        .extracting(f -> f.get("online"))
        .containsExactly(true, false);
  }

  @Test
  void anOpenedThatArrivesAfterItsClosedOpensNothing() {
    User me = user();
    String a = gateway(60);
    closed(a, me, "phone", "late", "client");
    opened(a, me, "phone", "late");
    awaitSocketEventsApplied();
    assertThat(online(me)).as("no stale route from a reordered pair").isFalse();
  }
}
