package com.parley.im.relation.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.relation.IntegrationTestBase;
import com.parley.im.testsupport.EventTap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class MutualRequestIntegrationTests extends IntegrationTestBase {

  @LocalServerPort int port;

  @Test
  void aRequestBackToAPendingSenderMakesFriendsAtOnce() {
    EventTap accepted = tap(Destinations.FRIEND_REQUEST_ACCEPTED);
    User alice = user("alice");
    User bob = user("bob");
    String theirs = requestId(alice, bob);

    sendRequest(bob, alice.id(), "you too")
        .expectStatus()
        .isCreated()
        .expectBody()
        .jsonPath("$.fromUserId")
        .isEqualTo(bob.id())
        .jsonPath("$.toUserId")
        .isEqualTo(alice.id())
        .jsonPath("$.status")
        .isEqualTo("accepted");

    assertThat(friendIds(alice)).containsExactly(bob.id());
    assertThat(friendIds(bob)).containsExactly(alice.id());
    assertThat(FriendRequestIntegrationTests.ids(get(bob, "/api/friend-requests"))).isEmpty();
    assertThat(FriendRequestIntegrationTests.ids(get(alice, "/api/friend-requests"))).isEmpty();
    Map<String, Object> event = accepted.next("requestId", theirs);
    assertThat(event)
        .containsEntry("fromUserId", alice.id())
        .containsEntry("toUserId", bob.id())
        .containsEntry("mutual", true);
  }

  @Test
  void mutualRequestsSentAtTheSameTimeMakeExactlyOneFriendship() {
    WebClient client = WebClient.create("http://127.0.0.1:" + port);
    int pairs = 12;
    List<User[]> users =
        Flux.range(0, pairs)
            .map(i -> new User[] {user("racea"), user("raceb")})
            .collectList()
            .block();

    List<Integer> statuses =
        Flux.fromIterable(users)
            .flatMap(
                pair -> Flux.merge(send(client, pair[0], pair[1]), send(client, pair[1], pair[0])))
            .collectList()
            .block(Duration.ofSeconds(60));

    assertThat(statuses).hasSize(2 * pairs).allMatch(s -> s == 201 || s == 200);
    for (User[] pair : users) {
      Map<String, Object> binds =
          Map.of("a", UUID.fromString(pair[0].id()), "b", UUID.fromString(pair[1].id()));
      assertThat(
              count(
                  "select count(*) from friendship where (user_low = :a and user_high = :b)"
                      + " or (user_low = :b and user_high = :a)",
                  binds))
          .isEqualTo(1);
      assertThat(
              count(
                  "select count(*) from friend_request where status = 'pending' and"
                      + " ((from_user_id = :a and to_user_id = :b) or (from_user_id = :b and to_user_id = :a))",
                  binds))
          .isZero();
      assertThat(
              count(
                  "select count(*) from outbox_event where event_type = 'FriendRequestAccepted'"
                      + " and payload like '%' || cast(:a as text) || '%'"
                      + " and payload like '%' || cast(:b as text) || '%'",
                  binds))
          .isEqualTo(1);
      assertThat(friendIds(pair[0])).containsExactly(pair[1].id());
    }
  }

  private static Mono<Integer> send(WebClient client, User from, User to) {
    return client
        .post()
        .uri("/api/friend-requests")
        .headers(h -> h.setBearerAuth(from.token()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("toUserId", to.id()))
        .exchangeToMono(
            response -> response.releaseBody().thenReturn(response.statusCode().value()));
  }
}
