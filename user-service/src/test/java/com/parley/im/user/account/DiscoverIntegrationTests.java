package com.parley.im.user.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.user.IntegrationTestBase;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DiscoverIntegrationTests extends IntegrationTestBase {

  @Test
  void samplesOtherUsersButNeverTheCallerOrTheCallersFriends() {
    for (int i = 0; i < 4; i++) {
      register("disc");
    }
    User me = register("discme");
    User friend = register("discfriend");
    db.sql("insert into friend (user_id, friend_id) values (:me, :friend)")
        .bind("me", UUID.fromString(me.id()))
        .bind("friend", UUID.fromString(friend.id()))
        .then()
        .block();
    Tokens tokens = login(me.username(), "phone");

    for (int round = 0; round < 5; round++) {
      List<String> ids = SearchIntegrationTests.ids(discover(tokens, 50));
      assertThat(ids).isNotEmpty().doesNotContain(me.id(), friend.id()).doesNotHaveDuplicates();
    }
    assertThat(SearchIntegrationTests.ids(discover(tokens, 2))).hasSize(2);
  }

  private Map<?, ?> discover(Tokens tokens, int limit) {
    return http.get()
        .uri("/api/users/discover?limit={n}", limit)
        .headers(h -> h.setBearerAuth(tokens.accessToken()))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }
}
