package com.parley.im.relation.block;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.relation.IntegrationTestBase;
import com.parley.im.testsupport.EventTap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlockIntegrationTests extends IntegrationTestBase {

  @Test
  void aBlockedSenderGetsBlockedAndTheBlockerMustUnblockFirst() {
    User alice = user("alice");
    User bob = user("bob");
    put(bob, "/api/blocks/{id}", alice.id()).expectStatus().isNoContent();

    expectProblem(sendRequest(alice, bob.id()), 403, "blocked");
    expectProblem(sendRequest(bob, alice.id()), 409, "blocked_by_you");

    List<?> blocks =
        get(bob, "/api/blocks")
            .expectStatus()
            .isOk()
            .expectBody(List.class)
            .returnResult()
            .getResponseBody();
    assertThat(blocks).hasSize(1);
    assertThat((Map<String, Object>) blocks.get(0))
        .containsEntry("userId", alice.id())
        .containsEntry("displayName", alice.displayName())
        .containsKey("blockedAt");

    delete(bob, "/api/blocks/{id}", alice.id()).expectStatus().isNoContent();
    get(bob, "/api/blocks").expectStatus().isOk().expectBody().json("[]");
    sendRequest(alice, bob.id()).expectStatus().isCreated();
  }

  @Test
  void blockingEndsTheFriendshipAndPendingRequestsAndPublishesIt() {
    EventTap blockedEvents = tap(Destinations.USER_BLOCKED);
    EventTap removed = tap(Destinations.FRIENDSHIP_REMOVED);
    User alice = user("alice");
    User bob = user("bob");
    User carol = user("carol");
    befriend(alice, bob);
    String pending = requestId(carol, alice);

    put(alice, "/api/blocks/{id}", bob.id()).expectStatus().isNoContent();
    put(alice, "/api/blocks/{id}", carol.id()).expectStatus().isNoContent();

    assertThat(friendIds(alice)).isEmpty();
    assertThat(friendIds(bob)).isEmpty();
    assertThat(removed.next("userId", alice.id()))
        .containsEntry("friendId", bob.id())
        .containsEntry("reason", "blocked");
    assertThat(blockedEvents.next("blockedId", bob.id()))
        .containsEntry("blockerId", alice.id())
        .containsEntry("friendshipRemoved", true);
    Map<String, Object> carolBlocked = blockedEvents.next("blockedId", carol.id());
    assertThat(carolBlocked).containsEntry("friendshipRemoved", false);
    assertThat((List<Object>) carolBlocked.get("cancelledRequestIds")).containsExactly(pending);
    expectProblem(
        post(alice, "/api/friend-requests/{id}/accept", pending), 409, "request_not_pending");
  }

  @Test
  void blockingTwiceOrUnblockingNobodyChangesNothing() {
    EventTap unblocked = tap(Destinations.USER_UNBLOCKED);
    User alice = user("alice");
    User bob = user("bob");
    put(alice, "/api/blocks/{id}", bob.id()).expectStatus().isNoContent();
    put(alice, "/api/blocks/{id}", bob.id()).expectStatus().isNoContent();
    assertThat(
            count(
                "select count(*) from outbox_event where event_type = 'UserBlocked'"
                    + " and payload like :p",
                Map.of("p", "%" + bob.id() + "%")))
        .isEqualTo(1);
    delete(alice, "/api/blocks/{id}", bob.id()).expectStatus().isNoContent();
    delete(alice, "/api/blocks/{id}", bob.id()).expectStatus().isNoContent();
    assertThat(unblocked.next("blockedId", bob.id())).containsEntry("blockerId", alice.id());
    assertThat(
            count(
                "select count(*) from outbox_event where event_type = 'UserUnblocked'"
                    + " and payload like :p",
                Map.of("p", "%" + bob.id() + "%")))
        .isEqualTo(1);
  }

  @Test
  void refusesBlockingYourselfAndUnknownUsers() {
    User alice = user("alice");
    expectProblem(put(alice, "/api/blocks/{id}", alice.id()), 400, "cannot_block_self");
    expectProblem(put(alice, "/api/blocks/{id}", stranger().id()), 404, "not_found");
    expectProblem(put(alice, "/api/blocks/{id}", "nope"), 404, "not_found");
  }
}
