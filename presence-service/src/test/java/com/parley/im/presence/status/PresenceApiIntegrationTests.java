package com.parley.im.presence.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.presence.IntegrationTestBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code GET /api/presence}: real values for yourself and friends, nothing for anyone else. */
class PresenceApiIntegrationTests extends IntegrationTestBase {

  @Test
  void friendsSeePresenceAndStrangersLearnNothing() {
    User me = user();
    User friend = user();
    User stranger = user();
    befriend(friend, me);
    String a = gateway(60);
    opened(a, me, "phone", "p1");
    await().atMost(WAIT).until(() -> online(me));

    Map<String, Object> seenByFriend = presence(friend, me.id()).get(0);
    assertThat(seenByFriend).containsEntry("userId", me.id()).containsEntry("online", true);
    assertThat(seenByFriend.get("lastSeenAt")).isNotNull();

    Map<String, Object> nothing = new HashMap<>();
    nothing.put("userId", me.id());
    nothing.put("online", false);
    nothing.put("lastSeenAt", null);
    assertThat(presence(stranger, me.id())).containsExactly(nothing);
  }

  @Test
  void answersInTheOrderAskedAndTreatsUnknownIdsAsStrangers() {
    User me = user();
    String unknown = UUID.randomUUID().toString();
    List<Map<String, Object>> answer = presence(me, unknown + ",not-an-id," + me.id());
    assertThat(answer)
        .extracting(v -> v.get("userId"))
        .containsExactly(unknown, "not-an-id", me.id());
    assertThat(answer).allSatisfy(v -> assertThat(v).containsEntry("online", false));
  }

  @Test
  void refusesTooManyIds() {
    User me = user();
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 201; i++) {
      many.append(i == 0 ? "" : ",").append('u').append(i);
    }
    http.get()
        .uri("/api/presence?userIds={ids}", many.toString())
        .headers(h -> h.setBearerAuth(me.token()))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("validation_failed");
  }

  @Test
  void requiresABearerToken() {
    http.get().uri("/api/presence?userIds=a").exchange().expectStatus().isUnauthorized();
  }
}
