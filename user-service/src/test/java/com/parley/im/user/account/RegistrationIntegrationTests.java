package com.parley.im.user.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.testsupport.EventTap;
import com.parley.im.user.IntegrationTestBase;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.MediaType;

class RegistrationIntegrationTests extends IntegrationTestBase {

  @Test
  void createsAnAccountAndPublishesUserRegistered() {
    EventTap events = tap(Destinations.USER_REGISTERED);
    String username = uniqueName("Reg.");

    http.post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("username", username, "password", PASSWORD, "displayName", " Ada L "))
        .exchange()
        .expectStatus()
        .isCreated()
        .expectHeader()
        .valueMatches("Location", "/api/users/.+")
        .expectBody()
        .jsonPath("$.id")
        .isNotEmpty()
        .jsonPath("$.username")
        .isEqualTo(username)
        .jsonPath("$.displayName")
        .isEqualTo("Ada L")
        .jsonPath("$.createdAt")
        .isNotEmpty()
        .jsonPath("$.password")
        .doesNotExist();

    Map<?, ?> event = events.next("username", username);
    assertThat(event.get("displayName")).isEqualTo("Ada L");
    assertThat(event.get("userId")).isNotNull();
    String hash =
        db.sql("select password_hash from app_user where username = :u")
            .bind("u", username)
            .map(row -> row.get(0, String.class))
            .one()
            .block();
    assertThat(hash).startsWith("$argon2id$").doesNotContain(PASSWORD);
  }

  @Test
  void refusesATakenUsernameAlsoInAnotherCase() {
    String username = uniqueName("dup");
    register(username, "First");

    expectProblem(post(username, PASSWORD, "Second"), 409, "username_taken");
    expectProblem(
        post(username.toUpperCase(Locale.ROOT), PASSWORD, "Third"), 409, "username_taken");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ab            | long enough pw | Name",
        "has space     | long enough pw | Name",
        "bad-dash      | long enough pw | Name",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | long enough pw | Name",
        "okname        | short          | Name",
        "okname2       | long enough pw | '   '",
      })
  void refusesBadInputAsValidationFailed(String username, String password, String displayName) {
    expectProblem(post(username, password, displayName), 400, "validation_failed");
  }

  @Test
  void refusesMissingFieldsAndMalformedJson() {
    Map<String, Object> missing = new HashMap<>();
    missing.put("username", uniqueName("miss"));
    expectProblem(
        http.post()
            .uri("/api/users")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(missing)
            .exchange(),
        400,
        "validation_failed");
    expectProblem(
        http.post()
            .uri("/api/users")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"username\": ")
            .exchange(),
        400,
        "validation_failed");
  }

  private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec post(
      String username, String password, String displayName) {
    return http.post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("username", username, "password", password, "displayName", displayName))
        .exchange();
  }
}
