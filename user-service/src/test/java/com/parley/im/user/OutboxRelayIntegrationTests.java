package com.parley.im.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.Destinations;
import com.parley.im.events.UserUpdated;
import com.parley.im.testsupport.EventTap;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The outbox of im-service-defaults, as user-service uses it, against real PostgreSQL/RabbitMQ. */
class OutboxRelayIntegrationTests extends IntegrationTestBase {

  @Autowired Outbox outbox;
  @Autowired ReactiveTransactionManager transactions;

  @AfterEach
  void brokerBack() {
    broker.down(false);
  }

  @Test
  void publishesEventsCommittedWhileTheBrokerFailedOnceItAnswersAgainInOrder() {
    EventTap registered = tap(Destinations.USER_REGISTERED);
    broker.down(true);

    User first = register("outbox");
    User second = register("outbox");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Map<String, Object> row = outboxRow("UserRegistered", first.id());
              assertThat(row.get("published")).isEqualTo(false);
              assertThat((Integer) row.get("attempts")).isGreaterThanOrEqualTo(1);
              assertThat(row.get("last_error")).asString().contains("broker unreachable");
              assertThat(outboxRow("UserRegistered", second.id()).get("published"))
                  .isEqualTo(false);
            });

    broker.down(false);

    Map<?, ?> event = registered.next("userId", first.id());
    assertThat(event.get("username")).isEqualTo(first.username());
    assertThat(event.get("eventId")).isNotNull();
    // The second was held back behind the first (head of line), so it comes after it.
    assertThat(registered.next("userId", second.id()).get("username")).isEqualTo(second.username());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(outboxRow("UserRegistered", first.id()).get("published")).isEqualTo(true);
              assertThat(outboxRow("UserRegistered", second.id()).get("published")).isEqualTo(true);
            });
  }

  @Test
  void appendsNothingWhenTheTransactionRollsBack() {
    TransactionalOperator tx = TransactionalOperator.create(transactions);
    UserUpdated event =
        new UserUpdated("rollback-" + System.nanoTime(), Instant.now(), "nobody", "x", null, null);
    StepVerifier.create(
            tx.transactional(
                outbox
                    .append(Destinations.USER_UPDATED, event)
                    .then(Mono.error(new IllegalStateException("change failed")))))
        .expectErrorMessage("change failed")
        .verify(Duration.ofSeconds(10));
    Long rows =
        db.sql("select count(*) from outbox_event where event_id = :id")
            .bind("id", event.eventId())
            .map(row -> row.get(0, Long.class))
            .one()
            .block(Duration.ofSeconds(10));
    assertThat(rows).isZero();
  }

  private Map<String, Object> outboxRow(String type, String userId) {
    return db.sql(
            "select published_at is not null as published, attempts, last_error from outbox_event"
                + " where event_type = :type and payload like :user")
        .bind("type", type)
        .bind("user", "%" + userId + "%")
        .fetch()
        .one()
        .block(Duration.ofSeconds(10));
  }
}
