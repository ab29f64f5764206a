package com.parley.im.relation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.events.Destinations;
import com.parley.im.testsupport.EventTap;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** relation-service's events leave through the shared outbox: a broker outage loses none. */
class RelationOutboxIntegrationTests extends IntegrationTestBase {

  @Autowired MeterRegistry meters;

  @AfterEach
  void brokerBack() {
    broker.down(false);
  }

  @Test
  void anEventCommittedWhileTheBrokerIsUnreachableIsPublishedLater() {
    EventTap sent = tap(Destinations.FRIEND_REQUEST_SENT);
    User alice = user("alice");
    User bob = user("bob");
    broker.down(true);

    String id = requestId(alice, bob);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Map<String, Object> row = outboxRow(id);
              assertThat(row.get("published")).isEqualTo(false);
              assertThat((Integer) row.get("attempts")).isGreaterThanOrEqualTo(1);
            });

    broker.down(false);
    assertThat(sent.next("requestId", id)).containsEntry("fromUserId", alice.id());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(outboxRow(id).get("published")).isEqualTo(true));
  }

  @Test
  void theBacklogAndTheLagOfUnpublishedRowsAreMetersThatFallBackToZero() {
    User alice = user("alice");
    User bob = user("bob");
    broker.down(true);

    requestId(alice, bob);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(meters.get("im.outbox.backlog").gauge().value()).isGreaterThanOrEqualTo(1);
              assertThat(meters.get("im.outbox.lag").gauge().value()).isGreaterThan(0);
            });

    broker.down(false);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(meters.get("im.outbox.backlog").gauge().value()).isZero();
              assertThat(meters.get("im.outbox.lag").gauge().value()).isZero();
            });
    assertThat(meters.get("im.outbox.listener.failures").functionCounter()).isNotNull();
  }

  private Map<String, Object> outboxRow(String requestId) {
    return db.sql(
            "select published_at is not null as published, attempts from outbox_event"
                + " where event_type = 'FriendRequestSent' and payload like :p")
        .bind("p", "%" + requestId + "%")
        .fetch()
        .one()
        .block(Duration.ofSeconds(10));
  }
}
