package com.parley.im.relation.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.events.FriendshipRemoved;
import com.parley.im.relation.IntegrationTestBase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/** Each relation event pushes the right notice to the right user (README, realtime notices). */
class RelationNoticeIntegrationTests extends IntegrationTestBase {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Autowired RecordingDeliveryPublisher pushed;

  @Autowired
  @Qualifier("noticeFriendRemoved")
  Consumer<FriendshipRemoved> noticeFriendRemoved;

  @Test
  void aRequestNotifiesTheRecipientAndAnAcceptanceNotifiesTheRequester() {
    User alice = user("nalice");
    User bob = user("nbob");

    String requestId =
        (String)
            sendRequest(alice, bob.id(), "hi Bob")
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
    Map<String, Object> request =
        (Map<String, Object>) notice(bob, "friend_request").get("request");
    assertThat(request)
        .containsEntry("id", requestId)
        .containsEntry("fromUserId", alice.id())
        .containsEntry("fromDisplayName", alice.displayName())
        .containsEntry("toUserId", bob.id())
        .containsEntry("message", "hi Bob")
        .containsEntry("status", "pending")
        .containsKey("createdAt");

    post(bob, "/api/friend-requests/{id}/accept", requestId).expectStatus().isOk();
    Map<String, Object> accepted = notice(alice, "friend_accepted");
    assertThat(accepted).containsEntry("requestId", requestId).containsKey("since");
    assertThat((Map<String, Object>) accepted.get("user"))
        .containsEntry("userId", bob.id())
        .containsEntry("displayName", bob.displayName());

    assertThat(types(alice)).doesNotContain("friend_request");
    assertThat(types(bob)).doesNotContain("friend_accepted");
  }

  @Test
  void unfriendAndBlockLookTheSameToTheRemovedUser() {
    User carol = user("ncarol");
    User dave = user("ndave");
    User erin = user("nerin");
    befriend(carol, dave);
    befriend(carol, erin);

    delete(carol, "/api/friends/{id}", dave.id()).expectStatus().is2xxSuccessful();
    put(carol, "/api/blocks/{id}", erin.id()).expectStatus().is2xxSuccessful();

    Map<String, Object> unfriended = notice(dave, "friend_removed");
    Map<String, Object> blocked = notice(erin, "friend_removed");
    assertThat(unfriended).isEqualTo(Map.of("type", "friend_removed", "userId", carol.id()));
    assertThat(blocked).isEqualTo(unfriended);
    assertThat(types(carol)).doesNotContain("friend_removed");
  }

  @Test
  void aRedeliveredEventPushesNothingAgain() {
    User a = user("nredo");
    User b = user("nredo");
    FriendshipRemoved removed =
        new FriendshipRemoved(
            UUID.randomUUID().toString(),
            Instant.now(),
            a.id(),
            b.id(),
            FriendshipRemoved.UNFRIENDED);

    noticeFriendRemoved.accept(removed);
    noticeFriendRemoved.accept(removed);
    assertThat(pushed.framesFor(b.id())).hasSize(1);
  }

  private Map<String, Object> notice(User to, String type) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                pushed.framesFor(to.id()).stream()
                    .filter(f -> type.equals(f.get("type")))
                    .findFirst()
                    .orElse(null),
            frame -> frame != null);
  }

  private List<Object> types(User user) {
    return pushed.framesFor(user.id()).stream().map(f -> f.get("type")).toList();
  }
}
