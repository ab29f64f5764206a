package com.parley.im.relation.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.relation.IntegrationTestBase;
import com.parley.im.testsupport.EventTap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class FriendRequestIntegrationTests extends IntegrationTestBase {

  @Test
  void sendingCreatesAPendingRequestAndPublishesFriendRequestSent() {
    EventTap sent = tap(Destinations.FRIEND_REQUEST_SENT);
    User alice = user("alice");
    User bob = user("bob");

    Map<String, Object> request =
        sendRequest(alice, bob.id(), "  hi Bob  ")
            .expectStatus()
            .isCreated()
            .expectHeader()
            .valueMatches("Location", "/api/friend-requests/.+")
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(request)
        .containsEntry("fromUserId", alice.id())
        .containsEntry("toUserId", bob.id())
        .containsEntry("message", "hi Bob")
        .containsEntry("status", "pending")
        .containsKeys("id", "createdAt");

    Map<String, Object> event = sent.next("requestId", (String) request.get("id"));
    assertThat(event)
        .containsEntry("fromUserId", alice.id())
        .containsEntry("toUserId", bob.id())
        .containsEntry("message", "hi Bob")
        .containsEntry("fromDisplayName", alice.displayName())
        .containsKeys("eventId", "occurredAt", "createdAt");

    assertThat(ids(get(bob, "/api/friend-requests?direction=incoming&status=pending")))
        .containsExactly(request.get("id"));
    assertThat(ids(get(alice, "/api/friend-requests?direction=outgoing")))
        .containsExactly(request.get("id"));
    assertThat(ids(get(alice, "/api/friend-requests"))).isEmpty(); // incoming by default
  }

  @Test
  void aSecondRequestToTheSamePersonReturnsThePendingOne() {
    User alice = user("alice");
    User bob = user("bob");
    String first = requestId(alice, bob);

    sendRequest(alice, bob.id(), "again")
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.id")
        .isEqualTo(first)
        .jsonPath("$.status")
        .isEqualTo("pending");
    assertThat(ids(get(alice, "/api/friend-requests?direction=outgoing"))).containsExactly(first);
  }

  @Test
  void refusesYourselfUnknownUsersAndBadInput() {
    User alice = user("alice");
    User bob = user("bob");
    expectProblem(sendRequest(alice, alice.id()), 400, "cannot_befriend_self");
    expectProblem(sendRequest(alice, stranger().id()), 404, "not_found");
    expectProblem(sendRequest(alice, "not-an-id"), 404, "not_found");
    expectProblem(sendRequest(alice, ""), 400, "validation_failed");
    expectProblem(sendRequest(alice, bob.id(), "x".repeat(501)), 400, "validation_failed");
    expectProblem(sendRequest(alice, bob.id(), "nul\u0000byte"), 400, "validation_failed");
    expectProblem(
        http.post()
            .uri("/api/friend-requests")
            .headers(h -> h.setBearerAuth(alice.token()))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"toUserId\":")
            .exchange(),
        400,
        "validation_failed");
    expectProblem(get(alice, "/api/friend-requests?direction=sideways"), 400, "validation_failed");
    expectProblem(get(alice, "/api/friend-requests?status=accepted"), 400, "validation_failed");
  }

  @Test
  void aUserIsKnownAsSoonAsItsRegistrationArrivesWithinTheGrace() {
    User alice = user("alice");
    User late = stranger();
    // The registration arrives while the request waits (grace 1 s in tests).
    java.util.concurrent.CompletableFuture.runAsync(
        () ->
            rememberRegisteredUser.accept(
                new com.parley.im.events.UserRegistered(
                    java.util.UUID.randomUUID().toString(),
                    java.time.Instant.now(),
                    late.id(),
                    "late",
                    "Late")),
        java.util.concurrent.CompletableFuture.delayedExecutor(
            100, java.util.concurrent.TimeUnit.MILLISECONDS));
    sendRequest(alice, late.id()).expectStatus().isCreated();
  }

  @Test
  void refusesExistingFriends() {
    User alice = user("alice");
    User bob = user("bob");
    befriend(alice, bob);
    expectProblem(sendRequest(alice, bob.id()), 409, "already_friends");
    expectProblem(sendRequest(bob, alice.id()), 409, "already_friends");
  }

  @Test
  void onlyTheRecipientAcceptsAndBothBecomeFriends() {
    EventTap accepted = tap(Destinations.FRIEND_REQUEST_ACCEPTED);
    User alice = user("alice");
    User bob = user("bob");
    User carol = user("carol");
    String id = requestId(alice, bob);

    expectProblem(post(alice, "/api/friend-requests/{id}/accept", id), 403, "not_recipient");
    expectProblem(post(carol, "/api/friend-requests/{id}/accept", id), 404, "not_found");
    expectProblem(post(bob, "/api/friend-requests/{id}/accept", "nope"), 404, "not_found");

    post(bob, "/api/friend-requests/{id}/accept", id)
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("accepted");
    assertThat(friendIds(alice)).containsExactly(bob.id());
    assertThat(friendIds(bob)).containsExactly(alice.id());
    assertThat(ids(get(bob, "/api/friend-requests"))).isEmpty();

    Map<String, Object> event = accepted.next("requestId", id);
    assertThat(event)
        .containsEntry("fromUserId", alice.id())
        .containsEntry("toUserId", bob.id())
        .containsEntry("mutual", false)
        .containsEntry("fromDisplayName", alice.displayName())
        .containsEntry("toDisplayName", bob.displayName())
        .containsKeys("eventId", "occurredAt", "since");

    // Accepting again answers the same; rejecting or cancelling it now is a conflict.
    post(bob, "/api/friend-requests/{id}/accept", id).expectStatus().isOk();
    expectProblem(post(bob, "/api/friend-requests/{id}/reject", id), 409, "request_not_pending");
    expectProblem(delete(alice, "/api/friend-requests/{id}", id), 409, "request_not_pending");
  }

  @Test
  void onlyTheRecipientRejects() {
    EventTap rejected = tap(Destinations.FRIEND_REQUEST_REJECTED);
    User alice = user("alice");
    User bob = user("bob");
    String id = requestId(alice, bob);

    expectProblem(post(alice, "/api/friend-requests/{id}/reject", id), 403, "not_recipient");
    post(bob, "/api/friend-requests/{id}/reject", id)
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("rejected");
    assertThat(rejected.next("requestId", id))
        .containsEntry("fromUserId", alice.id())
        .containsEntry("toUserId", bob.id());
    expectProblem(post(bob, "/api/friend-requests/{id}/accept", id), 409, "request_not_pending");
    assertThat(friendIds(alice)).isEmpty();
    // A rejected request does not stop a new one.
    sendRequest(alice, bob.id()).expectStatus().isCreated();
  }

  @Test
  void onlyTheSenderCancelsWhilePending() {
    EventTap cancelled = tap(Destinations.FRIEND_REQUEST_CANCELLED);
    User alice = user("alice");
    User bob = user("bob");
    User carol = user("carol");
    String id = requestId(alice, bob);

    expectProblem(delete(bob, "/api/friend-requests/{id}", id), 403, "not_sender");
    expectProblem(delete(carol, "/api/friend-requests/{id}", id), 404, "not_found");
    delete(alice, "/api/friend-requests/{id}", id).expectStatus().isNoContent();
    assertThat(cancelled.next("requestId", id))
        .containsEntry("fromUserId", alice.id())
        .containsEntry("toUserId", bob.id());
    delete(alice, "/api/friend-requests/{id}", id).expectStatus().isNoContent();
    expectProblem(post(bob, "/api/friend-requests/{id}/accept", id), 409, "request_not_pending");
    assertThat(ids(get(bob, "/api/friend-requests"))).isEmpty();
  }

  static List<Object> ids(
      org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec response) {
    List<?> list =
        response.expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody();
    return list.stream()
        .map(r -> ((Map<String, Object>) r).get("id"))
        .map(Object.class::cast)
        .toList();
  }
}
