package com.parley.im.user.friend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.events.Destinations;
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import com.parley.im.testsupport.TestInfrastructure;
import com.parley.im.user.IntegrationTestBase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/** relation-service's friendship events fill the friend table, and discover honours it. */
class FriendshipEventsIntegrationTests extends IntegrationTestBase {

  @Autowired
  @Qualifier("recordFriendship")
  Consumer<FriendRequestAccepted> recordFriendship;

  @Autowired
  @Qualifier("forgetFriendship")
  Consumer<FriendshipRemoved> forgetFriendship;

  @Test
  void discoverStopsOfferingAFriendOnceTheAcceptedEventArrivesAndOffersThemAgainAfterRemoval() {
    User me = register("evme");
    User friend = register("evfriend");
    Tokens tokens = login(me.username(), "phone");
    Instant t0 = Instant.now();

    publish(Destinations.FRIEND_REQUEST_ACCEPTED, accepted(friend.id(), me.id(), t0));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(friendRows(me.id(), friend.id())).isEqualTo(2));
    for (int round = 0; round < 3; round++) {
      assertThat(discoverIds(tokens)).doesNotContain(friend.id(), me.id());
    }

    publish(
        Destinations.FRIENDSHIP_REMOVED,
        new FriendshipRemoved(
            UUID.randomUUID().toString(),
            t0.plusSeconds(1),
            me.id(),
            friend.id(),
            FriendshipRemoved.UNFRIENDED));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(friendRows(me.id(), friend.id())).isZero());
  }

  @Test
  void duplicateAndReplayedEventsChangeNothing() {
    User a = register("evdup");
    User b = register("evdup");
    Instant t0 = Instant.now();
    FriendRequestAccepted accepted = accepted(a.id(), b.id(), t0);
    FriendshipRemoved removed =
        new FriendshipRemoved(
            UUID.randomUUID().toString(), t0.plusSeconds(1), b.id(), a.id(), "blocked");

    recordFriendship.accept(accepted);
    recordFriendship.accept(accepted);
    assertThat(friendRows(a.id(), b.id())).isEqualTo(2);
    forgetFriendship.accept(removed);
    // The old acceptance again: as a redelivery (same id), and as if it arrived late (new id).
    recordFriendship.accept(accepted);
    recordFriendship.accept(
        new FriendRequestAccepted(
            UUID.randomUUID().toString(), t0, "r", a.id(), b.id(), t0, false, null, null));
    forgetFriendship.accept(removed);
    assertThat(friendRows(a.id(), b.id())).isZero();

    // A newer acceptance makes them friends again.
    recordFriendship.accept(accepted(b.id(), a.id(), t0.plusSeconds(2)));
    assertThat(friendRows(a.id(), b.id())).isEqualTo(2);
    assertThat(processed(accepted.eventId())).isEqualTo(1);
  }

  private static FriendRequestAccepted accepted(String from, String to, Instant at) {
    return new FriendRequestAccepted(
        UUID.randomUUID().toString(),
        at,
        UUID.randomUUID().toString(),
        from,
        to,
        at,
        false,
        "From",
        "To");
  }

  private void publish(String destination, Object event) {
    MessageProperties properties = new MessageProperties();
    properties.setContentType("application/json");
    new RabbitTemplate(rabbit)
        .send(
            TestInfrastructure.get().brokerPrefix() + destination,
            destination,
            new Message(json.writeValueAsBytes(event), properties));
  }

  private long friendRows(String a, String b) {
    return db.sql(
            "select count(*) from friend where (user_id = :a and friend_id = :b)"
                + " or (user_id = :b and friend_id = :a)")
        .bind("a", UUID.fromString(a))
        .bind("b", UUID.fromString(b))
        .map(row -> row.get(0, Long.class))
        .one()
        .block(Duration.ofSeconds(10));
  }

  private long processed(String eventId) {
    return db.sql("select count(*) from processed_event where event_id = :id")
        .bind("id", eventId)
        .map(row -> row.get(0, Long.class))
        .one()
        .block(Duration.ofSeconds(10));
  }

  private List<Object> discoverIds(Tokens tokens) {
    Map<?, ?> page =
        http.get()
            .uri("/api/users/discover?limit=50")
            .headers(h -> h.setBearerAuth(tokens.accessToken()))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    return ((List<?>) page.get("users"))
        .stream().map(u -> ((Map<?, ?>) u).get("id")).map(Object.class::cast).toList();
  }
}
