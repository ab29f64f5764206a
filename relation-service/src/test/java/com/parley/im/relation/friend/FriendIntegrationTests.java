package com.parley.im.relation.friend;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.events.UserUpdated;
import com.parley.im.protocol.ConversationIds;
import com.parley.im.relation.IntegrationTestBase;
import com.parley.im.testsupport.EventTap;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

class FriendIntegrationTests extends IntegrationTestBase {

  @Autowired
  @Qualifier("rememberUpdatedUser")
  Consumer<UserUpdated> rememberUpdatedUser;

  @Test
  void listsFriendsWithTheirCurrentDisplayNameAndSince() {
    User alice = user("alice");
    User bob = user("bob");
    befriend(alice, bob);

    List<?> friends = list(alice);
    assertThat(friends).hasSize(1);
    Map<String, Object> friend = (Map<String, Object>) friends.get(0);
    assertThat(friend)
        .containsEntry("userId", bob.id())
        .containsEntry("displayName", bob.displayName())
        .containsEntry("conversationId", ConversationIds.direct(alice.id(), bob.id()))
        .containsKey("since");

    rememberUpdatedUser.accept(
        new UserUpdated(
            UUID.randomUUID().toString(), Instant.now(), bob.id(), "Robert", null, null));
    assertThat(((Map<String, Object>) list(alice).get(0)).get("displayName")).isEqualTo("Robert");
  }

  @Test
  void unfriendingRemovesTheFriendshipForBothAndPublishesFriendshipRemoved() {
    EventTap removed = tap(Destinations.FRIENDSHIP_REMOVED);
    User alice = user("alice");
    User bob = user("bob");
    befriend(alice, bob);

    delete(bob, "/api/friends/{id}", alice.id()).expectStatus().isNoContent();
    assertThat(friendIds(alice)).isEmpty();
    assertThat(friendIds(bob)).isEmpty();
    assertThat(removed.next("userId", bob.id()))
        .containsEntry("friendId", alice.id())
        .containsEntry("reason", "unfriended")
        .containsKeys("eventId", "occurredAt");

    expectProblem(delete(bob, "/api/friends/{id}", alice.id()), 404, "not_friends");
    expectProblem(delete(bob, "/api/friends/{id}", "garbage"), 404, "not_friends");
    // They may become friends again.
    befriend(bob, alice);
    assertThat(friendIds(alice)).containsExactly(bob.id());
  }

  private List<?> list(User of) {
    return get(of, "/api/friends")
        .expectStatus()
        .isOk()
        .expectBody(List.class)
        .returnResult()
        .getResponseBody();
  }
}
