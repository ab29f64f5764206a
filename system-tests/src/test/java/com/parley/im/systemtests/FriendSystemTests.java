package com.parley.im.systemtests;

import static com.parley.im.systemtests.ParleyClient.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Account;
import com.parley.im.systemtests.ParleyClient.Response;
import com.parley.im.systemtests.ParleyClient.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Friend requests, friendships, blocks and their realtime notices through the gateway: PROTOCOL.md
 * "Friends" and the frames {@code friend_request}, {@code friend_accepted}, {@code friend_removed};
 * refusal codes as documented in relation-service's README.
 */
@ExtendWith(RunningSystem.class)
class FriendSystemTests {

  /** relation-service learns new users from user-service's events: allow for that trip. */
  private static final Duration NEW_USER_KNOWN = Duration.ofSeconds(15);

  private final ParleyClient client = new ParleyClient();

  /** A fresh user with one logged-in device. */
  private Session newUser(String prefix) {
    Account account = client.register(prefix);
    return client.login(account, ParleyClient.uniqueDeviceId("dev"));
  }

  private static String id(Session session) {
    return session.account().id();
  }

  /**
   * Sends a friend request. A 404 {@code not_found} right after registration only means that
   * relation-service has not heard of the new user yet: the same call is repeated until it has.
   */
  private Response sendRequest(Session from, Session to, String message) {
    Map<String, Object> body =
        message == null
            ? Map.of("toUserId", id(to))
            : Map.of("toUserId", id(to), "message", message);
    AtomicReference<Response> last = new AtomicReference<>();
    await("relation-service knows " + to.account().username())
        .atMost(NEW_USER_KNOWN)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              last.set(client.post("/api/friend-requests", body, from.accessToken()));
              return last.get().status() != 404;
            });
    return last.get();
  }

  private Response block(Session blocker, Session blocked) {
    AtomicReference<Response> last = new AtomicReference<>();
    await("relation-service knows " + blocked.account().username())
        .atMost(NEW_USER_KNOWN)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              last.set(client.put("/api/blocks/" + id(blocked), null, blocker.accessToken()));
              return last.get().status() != 404;
            });
    return last.get();
  }

  private JsonNode pendingRequest(Session from, Session to) {
    JsonNode request = sendRequest(from, to, null).expectStatus(201).json();
    assertThat(request.path("status").asString()).as("status of %s", request).isEqualTo("pending");
    return request;
  }

  private void makeFriends(Session a, Session b) {
    JsonNode request = pendingRequest(a, b);
    accept(b, request.path("id").asString()).expectStatus(200);
  }

  private Response accept(Session by, String requestId) {
    return client.post("/api/friend-requests/" + requestId + "/accept", null, by.accessToken());
  }

  private Response reject(Session by, String requestId) {
    return client.post("/api/friend-requests/" + requestId + "/reject", null, by.accessToken());
  }

  private Response cancel(Session by, String requestId) {
    return client.delete("/api/friend-requests/" + requestId, by.accessToken());
  }

  private List<JsonNode> requests(Session session, String direction) {
    return items(
        client
            .get(
                "/api/friend-requests?direction=" + direction + "&status=pending",
                session.accessToken())
            .expectStatus(200)
            .json());
  }

  private static List<String> ids(List<JsonNode> nodes, String member) {
    return nodes.stream().map(n -> n.path(member).asString()).toList();
  }

  private List<JsonNode> friends(Session session) {
    return items(client.get("/api/friends", session.accessToken()).expectStatus(200).json());
  }

  private List<String> friendIds(Session session) {
    return ids(friends(session), "userId");
  }

  private WsConnection socket(Session session) {
    WsConnection socket = WsConnection.withBearer(session.accessToken());
    socket.awaitType("welcome");
    return socket;
  }

  // ----------------------------------------------------------------------------------------------

  @Test
  void aRequestReachesTheRecipientsSocketAndIsListedOnBothSides() {
    Session alice = newUser("frA");
    Session bob = newUser("frB");
    try (WsConnection bobSocket = socket(bob)) {
      Response created = sendRequest(alice, bob, "Hi Bob, it's Alice").expectStatus(201);
      JsonNode request = created.json();
      String requestId = request.path("id").asString();
      assertThat(requestId).as("id").isNotBlank();
      assertThat(request.path("fromUserId").asString()).isEqualTo(id(alice));
      assertThat(request.path("toUserId").asString()).isEqualTo(id(bob));
      assertThat(request.path("message").asString()).isEqualTo("Hi Bob, it's Alice");
      assertThat(request.path("status").asString()).isEqualTo("pending");
      assertThat(Instant.parse(request.path("createdAt").asString()))
          .as("createdAt")
          .isBefore(Instant.now().plusSeconds(60));

      JsonNode frame =
          bobSocket.awaitFrame(
              "a `friend_request` frame for " + requestId,
              f ->
                  "friend_request".equals(f.path("type").asString())
                      && requestId.equals(f.path("request").path("id").asString()));
      JsonNode pushed = frame.path("request");
      assertThat(pushed.path("fromUserId").asString()).isEqualTo(id(alice));
      assertThat(pushed.path("toUserId").asString()).isEqualTo(id(bob));
      assertThat(pushed.path("fromDisplayName").asString())
          .isEqualTo(alice.account().displayName());
      assertThat(pushed.path("message").asString()).isEqualTo("Hi Bob, it's Alice");
      assertThat(pushed.path("status").asString()).isEqualTo("pending");
    }

    assertThat(ids(requests(bob, "incoming"), "id")).as("bob's incoming").hasSize(1);
    JsonNode incoming = requests(bob, "incoming").get(0);
    assertThat(incoming.path("fromUserId").asString()).isEqualTo(id(alice));
    assertThat(incoming.path("status").asString()).isEqualTo("pending");
    assertThat(ids(requests(alice, "outgoing"), "toUserId"))
        .as("alice's outgoing")
        .containsExactly(id(bob));
    assertThat(requests(alice, "incoming")).as("alice's incoming").isEmpty();
    assertThat(requests(bob, "outgoing")).as("bob's outgoing").isEmpty();
  }

  @Test
  void acceptingMakesBothFriendsAndTellsTheRequester() {
    Session alice = newUser("acA");
    Session bob = newUser("acB");
    String requestId;
    try (WsConnection aliceSocket = socket(alice)) {
      requestId = pendingRequest(alice, bob).path("id").asString();

      JsonNode accepted = accept(bob, requestId).expectStatus(200).json();
      assertThat(accepted.path("id").asString()).isEqualTo(requestId);
      assertThat(accepted.path("status").asString()).isEqualTo("accepted");

      JsonNode frame =
          aliceSocket.awaitFrame(
              "a `friend_accepted` frame for " + requestId,
              f ->
                  "friend_accepted".equals(f.path("type").asString())
                      && requestId.equals(f.path("requestId").asString()));
      assertThat(frame.path("user").path("userId").asString()).isEqualTo(id(bob));
      assertThat(frame.path("user").path("displayName").asString())
          .isEqualTo(bob.account().displayName());
      assertThat(frame.path("since").asString()).as("since").isNotBlank();
    }

    List<JsonNode> aliceFriends = friends(alice);
    assertThat(ids(aliceFriends, "userId")).containsExactly(id(bob));
    assertThat(aliceFriends.get(0).path("displayName").asString())
        .isEqualTo(bob.account().displayName());
    assertThat(Instant.parse(aliceFriends.get(0).path("since").asString())).isNotNull();
    assertThat(aliceFriends.get(0).has("conversationId")).as("conversationId member").isTrue();
    assertThat(friendIds(bob)).containsExactly(id(alice));

    assertThat(requests(bob, "incoming")).as("no longer pending").isEmpty();
    assertThat(requests(alice, "outgoing")).as("no longer pending").isEmpty();
    accept(bob, requestId).expectStatus(200); // accepting again answers it again
  }

  @Test
  void aSecondRequestReturnsThePendingOne() {
    Session alice = newUser("dupA");
    Session bob = newUser("dupB");
    JsonNode first = sendRequest(alice, bob, "first").expectStatus(201).json();

    JsonNode second =
        client
            .post(
                "/api/friend-requests",
                Map.of("toUserId", id(bob), "message", "second"),
                alice.accessToken())
            .expectStatus(200)
            .json();
    assertThat(second.path("id").asString()).isEqualTo(first.path("id").asString());
    assertThat(second.path("status").asString()).isEqualTo("pending");
    assertThat(second.path("message").asString()).as("its message stays").isEqualTo("first");
    assertThat(requests(bob, "incoming")).hasSize(1);
    assertThat(requests(alice, "outgoing")).hasSize(1);
  }

  @Test
  void mutualRequestsMakeFriendsAtOnce() {
    Session alice = newUser("mutA");
    Session bob = newUser("mutB");
    try (WsConnection aliceSocket = socket(alice)) {
      String aliceRequest = pendingRequest(alice, bob).path("id").asString();

      JsonNode bobs = sendRequest(bob, alice, null).expectStatus(201).json();
      assertThat(bobs.path("status").asString()).as("bob's request").isEqualTo("accepted");

      aliceSocket.awaitFrame(
          "a `friend_accepted` frame for " + aliceRequest,
          f ->
              "friend_accepted".equals(f.path("type").asString())
                  && aliceRequest.equals(f.path("requestId").asString())
                  && id(bob).equals(f.path("user").path("userId").asString()));
    }
    assertThat(friendIds(alice)).containsExactly(id(bob));
    assertThat(friendIds(bob)).containsExactly(id(alice));
    assertThat(requests(alice, "incoming")).isEmpty();
    assertThat(requests(alice, "outgoing")).isEmpty();
    assertThat(requests(bob, "incoming")).isEmpty();
    assertThat(requests(bob, "outgoing")).isEmpty();
  }

  @Test
  void onlyTheRecipientRejectsAndOnlyTheSenderCancels() {
    Session alice = newUser("rjA");
    Session bob = newUser("rjB");
    Session carol = newUser("rjC");

    String first = pendingRequest(alice, bob).path("id").asString();
    reject(alice, first).expectProblem(403, "not_recipient");
    accept(alice, first).expectProblem(403, "not_recipient");
    cancel(bob, first).expectProblem(403, "not_sender");
    reject(carol, first).expectProblem(404, "not_found");
    accept(carol, first).expectProblem(404, "not_found");
    cancel(carol, first).expectProblem(404, "not_found");

    JsonNode rejected = reject(bob, first).expectStatus(200).json();
    assertThat(rejected.path("status").asString()).isEqualTo("rejected");
    reject(bob, first).expectStatus(200); // again: the same answer
    accept(bob, first).expectProblem(409, "request_not_pending");
    cancel(alice, first).expectProblem(409, "request_not_pending");
    assertThat(requests(bob, "incoming")).isEmpty();
    assertThat(friendIds(alice)).isEmpty();

    String second = pendingRequest(alice, bob).path("id").asString();
    assertThat(second).as("a new request after a rejection").isNotEqualTo(first);
    cancel(alice, second).expectStatus(204);
    cancel(alice, second).expectStatus(204); // cancelling again: 204
    accept(bob, second).expectProblem(409, "request_not_pending");
    reject(bob, second).expectProblem(409, "request_not_pending");
    assertThat(requests(alice, "outgoing")).isEmpty();
    assertThat(requests(bob, "incoming")).isEmpty();
    assertThat(friendIds(bob)).isEmpty();
  }

  @Test
  void requestsToYourselfToAFriendAndFromSomeoneBlockedAreRefused() {
    Session alice = newUser("refA");
    Session bob = newUser("refB");
    Session carol = newUser("refC");

    client
        .post("/api/friend-requests", Map.of("toUserId", id(alice)), alice.accessToken())
        .expectProblem(400, "cannot_befriend_self");

    makeFriends(alice, bob);
    client
        .post("/api/friend-requests", Map.of("toUserId", id(bob)), alice.accessToken())
        .expectProblem(409, "already_friends");
    client
        .post("/api/friend-requests", Map.of("toUserId", id(alice)), bob.accessToken())
        .expectProblem(409, "already_friends");

    block(carol, alice).expectStatus(204);
    client
        .post("/api/friend-requests", Map.of("toUserId", id(carol)), alice.accessToken())
        .expectProblem(403, "blocked");
    client
        .post("/api/friend-requests", Map.of("toUserId", id(alice)), carol.accessToken())
        .expectProblem(409, "blocked_by_you");
    assertThat(requests(carol, "incoming")).as("nothing reached carol").isEmpty();
    assertThat(
            ids(
                items(client.get("/api/blocks", carol.accessToken()).expectStatus(200).json()),
                "userId"))
        .containsExactly(id(alice));
  }

  @Test
  void unfriendingEndsItForBothAndTellsTheOther() {
    Session alice = newUser("unA");
    Session bob = newUser("unB");
    makeFriends(alice, bob);

    try (WsConnection bobSocket = socket(bob)) {
      client.delete("/api/friends/" + id(bob), alice.accessToken()).expectStatus(204);
      JsonNode frame = bobSocket.awaitType("friend_removed");
      assertThat(frame.path("userId").asString()).as("who ended it").isEqualTo(id(alice));
    }
    assertThat(friendIds(alice)).isEmpty();
    assertThat(friendIds(bob)).isEmpty();
    client.delete("/api/friends/" + id(bob), alice.accessToken()).expectProblem(404, "not_friends");
    client.delete("/api/friends/" + id(alice), bob.accessToken()).expectProblem(404, "not_friends");

    // They can become friends again.
    makeFriends(bob, alice);
    assertThat(friendIds(alice)).containsExactly(id(bob));
  }

  private List<String> discover(Session session) {
    return ids(
        items(
            client
                .get("/api/users/discover?limit=50", session.accessToken())
                .expectStatus(200)
                .json()),
        "id");
  }

  /**
   * Discover is a random sample, so "never offers a friend" is shown with the friend's neighbours:
   * first a sample in which bob appears between two other users, then, once friends, a sample that
   * holds both of those users but not bob.
   */
  @Test
  void discoverStopsOfferingAFriend() {
    Session alice = newUser("dsA");
    Session bob = newUser("dsB");

    AtomicReference<List<String>> around = new AtomicReference<>();
    await("bob offered to alice between two other users")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              List<String> sample = discover(alice);
              assertThat(sample).as("discover never offers yourself").doesNotContain(id(alice));
              int at = sample.indexOf(id(bob));
              if (at > 0 && at < sample.size() - 1) {
                around.set(List.of(sample.get(at - 1), sample.get(at + 1)));
                return true;
              }
              return false;
            });

    makeFriends(alice, bob);

    await("a sample with bob's neighbours " + around.get() + " but without bob")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              List<String> sample = discover(alice);
              return sample.containsAll(around.get()) && !sample.contains(id(bob));
            });
  }
}
