package com.parley.im.message.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.message.store.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

class GroupIntegrationTests extends GroupTestBase {

  @Test
  void aGroupsLifeIsOneSystemMessagePerChangeWithConsecutiveSeqs() {
    User alice = user();
    User bob = user();
    User carol = user();
    User dave = user();
    befriend(alice, bob);
    befriend(alice, carol);
    befriend(bob, dave);
    FakeGateway gw = gateway();
    online(bob, "phone", gw);
    online(carol, "phone", gw);
    online(dave, "phone", gw);

    Map<String, Object> group = createGroup(alice, "  Trip  ", bob, carol);
    String id = (String) group.get("id");
    assertThat(group)
        .containsEntry("name", "Trip")
        .containsEntry("ownerId", alice.id())
        .containsEntry("memberCount", 3);
    assertThat(roleOf(group, alice)).isEqualTo("owner");
    assertThat(roleOf(group, bob)).isEqualTo("member");
    assertThat(members(group).get(0)).containsKeys("userId", "role", "joinedAt");
    assertThat(gw.await(bob.id(), "phone", "conversation"))
        .containsEntry("conversationId", id)
        .containsEntry("change", "created")
        .containsEntry("memberCount", 3);

    group = json(call(HttpMethod.PUT, alice, Map.of("role", "admin"), roleUri(id, bob)), 200);
    assertThat(roleOf(group, bob)).isEqualTo("admin");

    // An admin adds their own friends; members already in are ignored.
    group =
        json(
            call(
                HttpMethod.POST,
                bob,
                Map.of("userIds", List.of(dave.id(), carol.id())),
                "/api/groups/{id}/members",
                id),
            200);
    assertThat(group).containsEntry("memberCount", 4);
    assertThat(roleOf(group, dave)).isEqualTo("member");
    // The system message that adds dave is pushed to dave too (the member cache was evicted first).
    Map<String, Object> added = gw.await(dave.id(), "phone", "message");
    assertThat(added).containsEntry("seq", 3).containsEntry("kind", "system");
    assertThat((Map<String, Object>) added.get("body")).containsEntry("event", "members_added");

    group =
        json(call(HttpMethod.PATCH, bob, Map.of("name", "Trip 2"), "/api/groups/{id}", id), 200);
    assertThat(group).containsEntry("name", "Trip 2");

    call(HttpMethod.DELETE, bob, null, "/api/groups/{id}/members/{u}", id, carol.id())
        .expectStatus()
        .isNoContent();
    assertThat(awaitFrame(gw, carol, "member_removed")).containsEntry("removed", true);

    // The owner leaves: the oldest admin (bob) becomes owner.
    call(HttpMethod.DELETE, alice, null, "/api/groups/{id}/members/{u}", id, alice.id())
        .expectStatus()
        .isNoContent();
    group = json(call(HttpMethod.GET, bob, null, "/api/groups/{id}", id), 200);
    assertThat(group).containsEntry("ownerId", bob.id()).containsEntry("memberCount", 2);
    assertThat(members(group))
        .extracting(m -> m.get("userId"))
        .containsExactly(bob.id(), dave.id());
    assertThat(awaitFrame(gw, bob, "member_left")).containsEntry("memberCount", 2);

    List<StoredMessage> messages = messagesOf(id);
    assertThat(messages).extracting(StoredMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(messages).extracting(StoredMessage::kind).containsOnly("system");
    assertThat(messages)
        .extracting(m -> m.body().get("event"))
        .containsExactly(
            "created", "role_changed", "members_added", "renamed", "member_removed", "member_left");
    assertThat(messages)
        .extracting(StoredMessage::senderId)
        .containsExactly(alice.id(), alice.id(), bob.id(), bob.id(), bob.id(), alice.id());
    assertThat(messages.get(0).body())
        .containsEntry("actorId", alice.id())
        .containsEntry("userIds", List.of(bob.id(), carol.id()))
        .containsEntry("name", "Trip");
    assertThat(messages.get(1).body())
        .containsEntry("userIds", List.of(bob.id()))
        .containsEntry("role", "admin");
    assertThat(messages.get(2).body()).containsEntry("userIds", List.of(dave.id()));
    assertThat(messages.get(3).body()).containsEntry("name", "Trip 2");
    assertThat(messages.get(4).body()).containsEntry("userIds", List.of(carol.id()));
    assertThat(messages.get(5).body()).containsEntry("ownerId", bob.id());
    // A member reads from the system message that added them.
    assertThat(fromSeq(id, dave)).isEqualTo(3);
    assertThat(
            count(
                "select count(*) from outbox_event where destination = 'conversation-changed'"
                    + " and payload like '%"
                    + id
                    + "%'"))
        .isEqualTo(6);
  }

  @Test
  void aReaddedMemberReadsFromTheirNewJoiningAndTheLastToLeaveLeavesAnEmptyGroup() {
    User alice = user();
    User bob = user();
    befriend(alice, bob);
    String id = (String) createGroup(alice, "Pair", bob).get("id");
    call(HttpMethod.DELETE, alice, null, "/api/groups/{id}/members/{u}", id, bob.id())
        .expectStatus()
        .isNoContent();
    expectProblem(call(HttpMethod.GET, bob, null, "/api/groups/{id}", id), 404, "not_member");

    call(
            HttpMethod.POST,
            alice,
            Map.of("userIds", List.of(bob.id())),
            "/api/groups/{id}/members",
            id)
        .expectStatus()
        .isOk();
    assertThat(fromSeq(id, bob)).isEqualTo(3);
    assertThat(json(call(HttpMethod.GET, bob, null, "/api/groups/{id}", id), 200))
        .containsEntry("memberCount", 2);

    call(HttpMethod.DELETE, alice, null, "/api/groups/{id}/members/{u}", id, alice.id())
        .expectStatus()
        .isNoContent();
    call(HttpMethod.DELETE, bob, null, "/api/groups/{id}/members/{u}", id, bob.id())
        .expectStatus()
        .isNoContent();
    assertThat(count("select member_count from conversation where id = '" + id + "'")).isZero();
    assertThat(messagesOf(id)).extracting(StoredMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void refusals() {
    User alice = user();
    User bob = user();
    User carol = user();
    User stranger = user();
    befriend(alice, bob);
    befriend(alice, carol);

    expectProblem(
        call(
            HttpMethod.POST,
            alice,
            Map.of("name", "G", "memberIds", List.of(bob.id(), stranger.id())),
            "/api/groups"),
        403,
        "not_friends");
    expectProblem(
        call(HttpMethod.POST, alice, Map.of("name", " ", "memberIds", List.of()), "/api/groups"),
        400,
        "validation_failed");
    expectProblem(
        call(HttpMethod.POST, alice, Map.of("name", "x".repeat(65)), "/api/groups"),
        400,
        "validation_failed");

    String id = (String) createGroup(alice, "G", bob, carol).get("id");
    expectProblem(call(HttpMethod.GET, stranger, null, "/api/groups/{id}", id), 404, "not_member");
    expectProblem(
        call(HttpMethod.GET, alice, null, "/api/groups/{id}", "g_nope"), 404, "not_member");
    // A member may add only their own friends.
    expectProblem(
        call(
            HttpMethod.POST,
            bob,
            Map.of("userIds", List.of(stranger.id())),
            "/api/groups/{id}/members",
            id),
        403,
        "not_friends");
    expectProblem(
        call(HttpMethod.POST, stranger, Map.of("userIds", List.of(alice.id())), membersUri(id)),
        404,
        "not_member");
    // Plain members neither remove, rename nor give roles.
    expectProblem(
        call(HttpMethod.DELETE, bob, null, "/api/groups/{id}/members/{u}", id, carol.id()),
        403,
        "forbidden");
    expectProblem(
        call(HttpMethod.PATCH, bob, Map.of("name", "Mine"), "/api/groups/{id}", id),
        403,
        "forbidden");
    expectProblem(
        call(HttpMethod.PUT, bob, Map.of("role", "admin"), roleUri(id, bob)), 403, "forbidden");
    // Admins remove members, not the owner or other admins, and give no roles.
    call(HttpMethod.PUT, alice, Map.of("role", "admin"), roleUri(id, bob)).expectStatus().isOk();
    call(HttpMethod.PUT, alice, Map.of("role", "admin"), roleUri(id, carol)).expectStatus().isOk();
    expectProblem(
        call(HttpMethod.DELETE, bob, null, "/api/groups/{id}/members/{u}", id, alice.id()),
        403,
        "forbidden");
    expectProblem(
        call(HttpMethod.DELETE, bob, null, "/api/groups/{id}/members/{u}", id, carol.id()),
        403,
        "forbidden");
    expectProblem(
        call(HttpMethod.PUT, bob, Map.of("role", "member"), roleUri(id, carol)), 403, "forbidden");
    expectProblem(
        call(HttpMethod.PUT, alice, Map.of("role", "owner"), roleUri(id, bob)),
        400,
        "validation_failed");
    expectProblem(
        call(HttpMethod.PUT, alice, Map.of("role", "member"), roleUri(id, alice)), 409, "conflict");
    expectProblem(
        call(HttpMethod.PUT, alice, Map.of("role", "admin"), roleUri(id, stranger)),
        404,
        "not_member");
    expectProblem(
        call(HttpMethod.DELETE, alice, null, "/api/groups/{id}/members/{u}", id, stranger.id()),
        404,
        "not_member");
    expectProblem(
        call(HttpMethod.POST, alice, Map.of("userIds", List.of()), membersUri(id)),
        400,
        "validation_failed");

    // Nothing of the refused requests left a trace: created + two role changes.
    assertThat(messagesOf(id)).hasSize(3);
    // Requests that change nothing write nothing.
    call(HttpMethod.PATCH, alice, Map.of("name", "G"), "/api/groups/{id}", id)
        .expectStatus()
        .isOk();
    call(HttpMethod.PATCH, alice, Map.of(), "/api/groups/{id}", id).expectStatus().isOk();
    call(HttpMethod.PUT, alice, Map.of("role", "admin"), roleUri(id, bob)).expectStatus().isOk();
    call(HttpMethod.POST, alice, Map.of("userIds", List.of(bob.id())), membersUri(id))
        .expectStatus()
        .isOk();
    assertThat(messagesOf(id)).hasSize(3);
  }

  @Test
  void aGroupHoldsFiveHundredMembersByDefaultAndTwoAddsRacingForTheLastSeatsGetOneEach() {
    User alice = user();
    List<String> friends = new ArrayList<>();
    for (int i = 0; i < 502; i++) {
      friends.add(UUID.randomUUID().toString());
    }
    db.sql(
            "insert into friendship (user_low, user_high, friends, changed_at)"
                + " select least(:me collate \"C\", u collate \"C\"),"
                + " greatest(:me collate \"C\", u collate \"C\"), true, now()"
                + " from unnest(:ids) as u")
        .bind("me", alice.id())
        .bind("ids", friends.toArray(String[]::new))
        .then()
        .block(WAIT);

    // The owner counts: 500 friends make 501 members.
    expectProblem(
        call(
            HttpMethod.POST,
            alice,
            Map.of("name", "Big", "memberIds", friends.subList(0, 500)),
            "/api/groups"),
        409,
        "group_full");
    Map<String, Object> group =
        json(
            call(
                HttpMethod.POST,
                alice,
                Map.of("name", "Big", "memberIds", friends.subList(0, 497)),
                "/api/groups"),
            201);
    assertThat(group).containsEntry("memberCount", 498);
    String id = (String) group.get("id");

    // Two adds of two each race for the last two seats: the group's row lock lets one in.
    CompletableFuture<Integer> first =
        CompletableFuture.supplyAsync(() -> addStatus(alice, id, friends.subList(497, 499)));
    CompletableFuture<Integer> second =
        CompletableFuture.supplyAsync(() -> addStatus(alice, id, friends.subList(499, 501)));
    assertThat(List.of(first.join(), second.join())).containsExactlyInAnyOrder(200, 409);
    assertThat(count("select member_count from conversation where id = '" + id + "'"))
        .isEqualTo(500);
    expectProblem(
        call(HttpMethod.POST, alice, Map.of("userIds", friends.subList(501, 502)), membersUri(id)),
        409,
        "group_full");
    assertThat(messagesOf(id)).extracting(StoredMessage::seq).containsExactly(1L, 2L);
  }

  private int addStatus(User as, String id, List<String> userIds) {
    var result =
        call(HttpMethod.POST, as, Map.of("userIds", userIds), membersUri(id))
            .expectBody(String.class)
            .returnResult();
    if (result.getStatus().value() == 409) {
      assertThat(result.getResponseBody()).contains("group_full");
    }
    return result.getStatus().value();
  }

  private Map<String, Object> awaitFrame(FakeGateway gw, User user, String change) {
    List<Map<String, Object>> found = new ArrayList<>();
    awaitTrue(
        () -> {
          found.clear();
          gw.frames(user.id(), "phone").stream()
              .filter(f -> "conversation".equals(f.get("type")))
              .filter(f -> change.equals(f.get("change")))
              .forEach(found::add);
          return !found.isEmpty();
        });
    return found.get(0);
  }

  private static String roleUri(String id, User user) {
    return "/api/groups/" + id + "/members/" + user.id() + "/role";
  }

  private static String membersUri(String id) {
    return "/api/groups/" + id + "/members";
  }
}
