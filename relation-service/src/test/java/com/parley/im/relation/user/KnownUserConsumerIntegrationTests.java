package com.parley.im.relation.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.events.Destinations;
import com.parley.im.events.UserRegistered;
import com.parley.im.events.UserUpdated;
import com.parley.im.relation.IntegrationTestBase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/** user-registered / user-updated from RabbitMQ into known_user: idempotent and order-proof. */
class KnownUserConsumerIntegrationTests extends IntegrationTestBase {

  @Autowired
  @Qualifier("rememberUpdatedUser")
  Consumer<UserUpdated> rememberUpdatedUser;

  @Test
  void registrationsAndUpdatesArriveThroughTheBroker() {
    String id = UUID.randomUUID().toString();
    Instant t0 = Instant.now().minusSeconds(10);
    publish(Destinations.USER_REGISTERED, new UserRegistered(eventId(), t0, id, "dora", "Dora"));
    await().atMost(Duration.ofSeconds(15)).until(() -> "Dora".equals(displayName(id)));

    publish(
        Destinations.USER_UPDATED,
        new UserUpdated(eventId(), t0.plusSeconds(1), id, "Dora the Explorer", null, null));
    await().atMost(Duration.ofSeconds(15)).until(() -> "Dora the Explorer".equals(displayName(id)));
  }

  @Test
  void theSameEventDeliveredTwiceChangesNothingTheSecondTime() {
    String id = UUID.randomUUID().toString();
    Instant t0 = Instant.now().minusSeconds(10);
    rememberRegisteredUser.accept(new UserRegistered(eventId(), t0, id, "eve", "Eve"));
    UserUpdated rename = new UserUpdated(eventId(), t0.plusSeconds(1), id, "Evelyn", null, null);
    rememberUpdatedUser.accept(rename);
    // Through the broker too: the redelivery of an already processed event.
    publish(Destinations.USER_UPDATED, rename);
    rememberUpdatedUser.accept(rename);

    assertThat(displayName(id)).isEqualTo("Evelyn");
    assertThat(
            count(
                "select count(*) from processed_event where event_id = :id",
                Map.of("id", rename.eventId())))
        .isEqualTo(1);
  }

  @Test
  void anOlderEventArrivingLateDoesNotOverwriteANewerName() {
    String id = UUID.randomUUID().toString();
    Instant t0 = Instant.now().minusSeconds(10);
    // The update overtook the registration (they travel on different queues).
    rememberUpdatedUser.accept(
        new UserUpdated(eventId(), t0.plusSeconds(5), id, "Newer", null, null));
    rememberRegisteredUser.accept(new UserRegistered(eventId(), t0, id, "frank", "Older"));
    rememberUpdatedUser.accept(
        new UserUpdated(eventId(), t0.plusSeconds(2), id, "Stale", null, null));
    assertThat(displayName(id)).isEqualTo("Newer");
    assertThat(
            db.sql("select username from known_user where id = :id")
                .bind("id", UUID.fromString(id))
                .map(row -> row.get(0, String.class))
                .one()
                .block(Duration.ofSeconds(10)))
        .isEqualTo("frank");
  }

  @Test
  void aMessageThatCannotBeReadEndsInTheDeadLetterQueueAfterTheRetries() {
    String dlq =
        com.parley.im.testsupport.TestInfrastructure.get().brokerPrefix()
            + Destinations.USER_REGISTERED
            + ".relation-service.dlq";
    var admin = new org.springframework.amqp.rabbit.core.RabbitAdmin(rabbit);
    long before = dlqDepth(admin, dlq);
    publish(Destinations.USER_REGISTERED, Map.of("eventId", 42, "occurredAt", "not a time"));
    await().atMost(Duration.ofSeconds(20)).until(() -> dlqDepth(admin, dlq) > before);
  }

  private static long dlqDepth(
      org.springframework.amqp.rabbit.core.RabbitAdmin admin, String queue) {
    var info = admin.getQueueInfo(queue);
    return info == null ? 0 : info.getMessageCount();
  }

  private static String eventId() {
    return UUID.randomUUID().toString();
  }

  private String displayName(String id) {
    return db.sql("select display_name from known_user where id = :id")
        .bind("id", UUID.fromString(id))
        .map(row -> row.get(0, String.class))
        .one()
        .block(Duration.ofSeconds(10));
  }
}
