package com.parley.im.presence.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.events.Destinations;
import com.parley.im.presence.IntegrationTestBase;
import com.parley.im.testsupport.EventTap;
import com.parley.im.testsupport.TestInfrastructure;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * presence-service repairs a routing table that Redis lost (ADR 0008). "Losing" deletes keys under
 * this run's presence prefix only, never anything else in the shared Redis.
 */
class RoutingTableRepairIntegrationTests extends IntegrationTestBase {

  @Autowired ReactiveStringRedisTemplate redis;

  private static String key(String name) {
    return TestInfrastructure.get().redisPrefix("presence") + name;
  }

  @Test
  void aLostTableIsNoticedWithinASweepAndEveryGatewayIsAskedToReportAgain() {
    EventTap requests = tap(Destinations.ROUTING_TABLE_LOST);
    redis.delete(key("table")).block(WAIT);

    Map<String, Object> request =
        requests.next(event -> event.get("instanceId") == null, "instanceId=null");

    assertThat(request).containsKeys("eventId", "occurredAt");
    // The sweep marks the table before it asks; a sweep of the previous loss (another test's) can
    // ask just before this test's delete, so the marker may only be back after the next sweep.
    await().atMost(WAIT).until(() -> redis.hasKey(key("table")).block(WAIT));
    // The rebuild window: open now, closing by itself (5 s).
    Duration window = redis.getExpire(key("table-rebuilding")).block(WAIT);
    assertThat(window).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void socketsReportedAgainAfterALossAreRoutedAndOnline() {
    User user = user();
    String instance = gateway(60);
    opened(instance, user, "phone", "s1");
    await().atMost(WAIT).until(() -> online(user));

    // Redis loses the user's route, the instance's keys and the table's marker.
    redis
        .delete(
            key("route:" + user.id()),
            key("instance:" + instance),
            key("lease:" + instance),
            key("table"))
        .block(WAIT);
    assertThat(online(user)).isFalse();

    // The gateway, asked, reports the socket again (same socket id, a new event id).
    opened(instance, user, "phone", "s1");
    await().atMost(WAIT).until(() -> online(user));
    assertThat(
            redis
                .<String, String>opsForHash()
                .get(key("route:" + user.id()), "phone/s1")
                .block(WAIT))
        .isEqualTo(instance);
  }

  @Test
  void aRenewalOfALeasePresenceNoLongerHadAsksThatGatewayToReportAgain() {
    // A complete table, no rebuild window open (another test may have opened one).
    redis.opsForValue().set(key("table"), "1").block(WAIT);
    redis.delete(key("table-rebuilding")).block(WAIT);
    String instance = gateway(60);
    awaitSocketEventsApplied();
    EventTap requests = tap(Destinations.ROUTING_TABLE_LOST);
    // As the sweeper does to an instance whose renewals were late: its lease and routes are gone.
    redis.delete(key("lease:" + instance)).block(WAIT);

    renew(instance, 60);

    assertThat(requests.next("instanceId", instance)).containsKey("eventId");
    assertThat(redis.hasKey(key("lease:" + instance)).block(WAIT)).isTrue();
  }
}
