package com.parley.im.message.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.defaults.ApiException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import reactor.test.StepVerifier;

/** A removed member neither reads the conversation nor receives its messages any more. */
class RemovedMemberIntegrationTests extends GroupTestBase {

  @Test
  void theAccessChecksAndTheFanOutListForgetARemovedMemberAtOnce() {
    User alice = user();
    User bob = user();
    User carol = user();
    befriend(alice, bob);
    befriend(alice, carol);
    String id = (String) createGroup(alice, "G", bob, carol).get("id");
    // The fan-out list is cached: load it before the removal.
    assertThat(access.activeMembers(id).block(WAIT)).contains(carol.id());

    call(HttpMethod.DELETE, alice, null, "/api/groups/{id}/members/{u}", id, carol.id())
        .expectStatus()
        .isNoContent();

    assertThat(access.activeMembers(id).block(WAIT))
        .containsExactlyInAnyOrder(alice.id(), bob.id());
    StepVerifier.create(access.requireMember(id, carol.id()))
        .expectErrorSatisfies(e -> notMember(e))
        .verify(WAIT);
    StepVerifier.create(access.requireCanSend(id, carol.id()))
        .expectErrorSatisfies(e -> notMember(e))
        .verify(WAIT);
    StepVerifier.create(access.requireMember(id, bob.id())).expectNext(1L).verifyComplete();
    expectProblem(call(HttpMethod.GET, carol, null, "/api/groups/{id}", id), 404, "not_member");
    expectProblem(
        call(HttpMethod.PATCH, carol, Map.of("name", "x"), "/api/groups/{id}", id),
        404,
        "not_member");
  }

  @Test
  void aRemovedMemberNeitherSendsNorReadsNorReceivesNewMessages() {
    User alice = user();
    User bob = user();
    User carol = user();
    befriend(alice, bob);
    befriend(alice, carol);
    String id = (String) createGroup(alice, "G", bob, carol).get("id");
    FakeGateway gw = gateway();
    online(bob, "phone", gw);
    online(carol, "phone", gw);
    call(HttpMethod.DELETE, alice, null, "/api/groups/{id}/members/{u}", id, carol.id())
        .expectStatus()
        .isNoContent();

    expectProblem(
        call(HttpMethod.POST, carol, text("from carol"), "/api/conversations/{id}/messages", id),
        404,
        "not_member");
    expectProblem(
        call(HttpMethod.GET, carol, null, "/api/conversations/{id}/messages", id),
        404,
        "not_member");
    Map<String, Object> sent =
        json(
            call(HttpMethod.POST, alice, text("after"), "/api/conversations/{id}/messages", id),
            201);
    assertThat(sent).containsEntry("seq", 3);

    // Bob's and carol's frames leave in one batch for the one gateway: once bob has it, carol
    // would have it too.
    awaitTrue(
        () ->
            gw.frames(bob.id(), "phone").stream()
                .anyMatch(
                    f ->
                        "message".equals(f.get("type"))
                            && Integer.valueOf(3).equals(f.get("seq"))));
    assertThat(gw.frames(carol.id(), "phone"))
        .noneMatch(f -> "message".equals(f.get("type")) && ((Integer) f.get("seq")) >= 2);
  }

  private static Map<String, Object> text(String text) {
    return Map.of(
        "clientMsgId",
        java.util.UUID.randomUUID().toString(),
        "kind",
        "text",
        "body",
        Map.of("text", text));
  }

  private static void notMember(Throwable e) {
    assertThat(e).isInstanceOf(ApiException.class);
    assertThat(((ApiException) e).code()).isEqualTo("not_member");
    assertThat(((ApiException) e).status().value()).isEqualTo(404);
  }
}
