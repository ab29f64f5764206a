package com.parley.im.user.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.testsupport.EventTap;
import com.parley.im.user.IntegrationTestBase;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class ProfileIntegrationTests extends IntegrationTestBase {

  @Test
  void showsTheCallersOwnProfile() {
    User user = register("me");
    Tokens tokens = login(user.username(), "phone");

    getMe(tokens.accessToken())
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.id")
        .isEqualTo(user.id())
        .jsonPath("$.username")
        .isEqualTo(user.username())
        .jsonPath("$.displayName")
        .isEqualTo(user.displayName())
        .jsonPath("$.createdAt")
        .isNotEmpty();
  }

  @Test
  void updatesTheProfileAndPublishesUserUpdated() {
    EventTap events = tap(Destinations.USER_UPDATED);
    User user = register("patch");
    Tokens tokens = login(user.username(), "phone");

    patch(tokens, Map.of("displayName", "New Name", "bio", "hello", "avatarMediaId", "m-1"))
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.displayName")
        .isEqualTo("New Name")
        .jsonPath("$.bio")
        .isEqualTo("hello")
        .jsonPath("$.avatarMediaId")
        .isEqualTo("m-1");
    Map<?, ?> event = events.next("userId", user.id());
    assertThat(event.get("displayName")).isEqualTo("New Name");
    assertThat(event.get("bio")).isEqualTo("hello");

    // Absent fields stay; an empty bio clears it.
    patch(tokens, Map.of("bio", ""))
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.displayName")
        .isEqualTo("New Name")
        .jsonPath("$.avatarMediaId")
        .isEqualTo("m-1")
        .jsonPath("$.bio")
        .doesNotExist();

    expectProblem(patch(tokens, Map.of("displayName", "  ")), 400, "validation_failed");
    expectProblem(patch(tokens, Map.of("bio", "nul\u0000")), 400, "validation_failed");
    expectProblem(patch(tokens, Map.of("avatarMediaId", "../x")), 400, "validation_failed");
  }

  @Test
  void showsPublicProfilesAndAnswers404ForUnknownIds() {
    User user = register("pub");
    Tokens viewer = login(register("viewer").username(), "phone");

    http.get()
        .uri("/api/users/{id}", user.id())
        .headers(h -> h.setBearerAuth(viewer.accessToken()))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.id")
        .isEqualTo(user.id())
        .jsonPath("$.username")
        .isEqualTo(user.username())
        .jsonPath("$.displayName")
        .isEqualTo(user.displayName())
        .jsonPath("$.createdAt")
        .doesNotExist();

    for (String unknown : new String[] {"00000000-0000-4000-8000-000000000000", "not-a-uuid"}) {
      expectProblem(
          http.get()
              .uri("/api/users/{id}", unknown)
              .headers(h -> h.setBearerAuth(viewer.accessToken()))
              .exchange(),
          404,
          "not_found");
    }
  }

  private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec patch(
      Tokens tokens, Map<String, ?> body) {
    return http.patch()
        .uri("/api/users/me")
        .headers(h -> h.setBearerAuth(tokens.accessToken()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }
}
