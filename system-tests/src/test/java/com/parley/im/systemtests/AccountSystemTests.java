package com.parley.im.systemtests;

import static com.parley.im.systemtests.ParleyClient.PASSWORD;
import static com.parley.im.systemtests.ParleyClient.encode;
import static com.parley.im.systemtests.ParleyClient.items;
import static com.parley.im.systemtests.ParleyClient.uniqueUsername;
import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.systemtests.ParleyClient.Account;
import com.parley.im.systemtests.ParleyClient.Response;
import com.parley.im.systemtests.ParleyClient.Session;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Accounts and profiles through the gateway: PROTOCOL.md, "Accounts and sessions". */
@ExtendWith(RunningSystem.class)
class AccountSystemTests {

  private final ParleyClient client = new ParleyClient();

  @Test
  void registerReturns201WithThePublicAccountAndNoSecrets() {
    String username = uniqueUsername("acc");
    Response response = client.registerRaw(username, PASSWORD, "Ada Lovelace").expectStatus(201);

    JsonNode json = response.json();
    assertThat(json.path("id").asString()).as("id").isNotBlank();
    assertThat(json.path("username").asString()).isEqualTo(username);
    assertThat(json.path("displayName").asString()).isEqualTo("Ada Lovelace");
    assertThat(Instant.parse(json.path("createdAt").asString()))
        .as("createdAt is an ISO-8601 instant")
        .isBefore(Instant.now().plusSeconds(60));
    assertThat(json.propertyNames())
        .as("no secret leaves the server")
        .noneMatch(name -> name.toLowerCase(Locale.ROOT).contains("password"));
  }

  @Test
  void aTakenUsernameIsAConflictWhateverItsCase() {
    String username = uniqueUsername("dup");
    client.register(username, "First");

    client.registerRaw(username, PASSWORD, "Second").expectProblem(409);
    client.registerRaw(username.toUpperCase(Locale.ROOT), PASSWORD, "Third").expectProblem(409);
  }

  static Stream<Arguments> badRegistrations() {
    String ok = uniqueUsername("bad");
    return Stream.of(
        Arguments.of("username too short", "ab", PASSWORD),
        Arguments.of("username too long", "a".repeat(33), PASSWORD),
        Arguments.of("username with a space", "bad name", PASSWORD),
        Arguments.of("username with a dash", "bad-name", PASSWORD),
        Arguments.of("username missing", null, PASSWORD),
        Arguments.of("password of 7 characters", ok, "1234567"),
        Arguments.of("password missing", ok, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRegistrations")
  void badInputIsAValidationProblem(String why, String username, String password) {
    client.registerRaw(username, password, "Bad Input").expectProblem(400, "validation_failed");
  }

  @Test
  void malformedJsonIsA400Problem() {
    client.postRaw("/api/users", "{\"username\": ", null).expectProblem(400);
  }

  @Test
  void readAndUpdateOwnProfile() {
    Account account = client.register("prof");
    Session session = client.login(account, "laptop");

    JsonNode me = client.me(session.accessToken()).expectStatus(200).json();
    assertThat(me.path("id").asString()).isEqualTo(account.id());
    assertThat(me.path("username").asString()).isEqualTo(account.username());
    assertThat(me.path("displayName").asString()).isEqualTo(account.displayName());

    JsonNode patched =
        client
            .patch(
                "/api/users/me",
                Map.of("displayName", "Grace Hopper", "bio", "Compilers."),
                session.accessToken())
            .expectStatus(200)
            .json();
    assertThat(patched.path("displayName").asString()).isEqualTo("Grace Hopper");
    assertThat(patched.path("bio").asString()).isEqualTo("Compilers.");

    JsonNode again = client.me(session.accessToken()).expectStatus(200).json();
    assertThat(again.path("displayName").asString()).isEqualTo("Grace Hopper");
    assertThat(again.path("bio").asString()).isEqualTo("Compilers.");
    assertThat(again.path("username").asString()).as("unchanged").isEqualTo(account.username());
  }

  @Test
  void publicProfileOfAnotherUser() {
    Account alice = client.register("pubA");
    Account bob = client.register("pubB");
    Session bobSession = client.login(bob, "phone");
    client
        .patch(
            "/api/users/me",
            Map.of("bio", "Hello from Alice"),
            client.login(alice, "pc").accessToken())
        .expectStatus(200);

    JsonNode profile =
        client.get("/api/users/" + alice.id(), bobSession.accessToken()).expectStatus(200).json();
    assertThat(profile.path("id").asString()).isEqualTo(alice.id());
    assertThat(profile.path("username").asString()).isEqualTo(alice.username());
    assertThat(profile.path("displayName").asString()).isEqualTo(alice.displayName());
    assertThat(profile.path("bio").asString()).isEqualTo("Hello from Alice");
    assertThat(profile.has("avatarMediaId")).as("avatarMediaId member (null allowed)").isTrue();
    assertThat(profile.propertyNames())
        .noneMatch(name -> name.toLowerCase(Locale.ROOT).contains("password"));

    client
        .get("/api/users/no-such-user-" + alice.id(), bobSession.accessToken())
        .expectProblem(404);
  }

  @Test
  void searchPutsTheExactUsernameFirst() {
    String word = "srch" + uniqueUsername("x").substring(2, 12);
    // Created first, so that only the ranking can put the exact match first:
    Account nameMatch1 = client.register(uniqueUsername("s1"), word + " fan club");
    Account nameMatch2 = client.register(uniqueUsername("s2"), "the " + word);
    Account exact = client.register(word, "Exact Match");
    Session session = client.login(client.register("seeker"), "pc");

    for (String q : List.of(word, word.toUpperCase(Locale.ROOT))) {
      List<JsonNode> found =
          items(
              client
                  .get("/api/users/search?q=" + encode(q), session.accessToken())
                  .expectStatus(200)
                  .json());
      assertThat(found).as("results for %s", q).isNotEmpty();
      assertThat(found.get(0).path("id").asString())
          .as("first result for %s", q)
          .isEqualTo(exact.id());
      assertThat(found.stream().map(f -> f.path("id").asString()))
          .as("display-name matches (prefix and substring) for %s", q)
          .contains(nameMatch1.id(), nameMatch2.id());
    }

    List<JsonNode> limited =
        items(
            client
                .get("/api/users/search?limit=1&q=" + encode(word), session.accessToken())
                .expectStatus(200)
                .json());
    assertThat(limited).hasSize(1);
  }

  @Test
  void discoverNeverShowsYourself() {
    for (int i = 0; i < 3; i++) {
      client.register("disc");
    }
    Account me = client.register("discme");
    Session session = client.login(me, "pc");

    for (int round = 0; round < 3; round++) {
      List<JsonNode> sample =
          items(
              client
                  .get("/api/users/discover?limit=20", session.accessToken())
                  .expectStatus(200)
                  .json());
      assertThat(sample).as("a sample of other users").isNotEmpty().hasSizeLessThanOrEqualTo(20);
      assertThat(sample)
          .allSatisfy(user -> assertThat(user.path("id").asString()).isNotBlank())
          .noneMatch(user -> me.id().equals(user.path("id").asString()));
    }
    List<JsonNode> small =
        items(
            client
                .get("/api/users/discover?limit=2", session.accessToken())
                .expectStatus(200)
                .json());
    assertThat(small).hasSizeLessThanOrEqualTo(2);
  }

  @Test
  void requestsWithoutAValidTokenAre401Problems() {
    Session session = client.login(client.register("noauth"), "pc");
    String token = session.accessToken();
    String[] parts = token.split("\\.");
    String tamperedSignature =
        parts[0]
            + "."
            + parts[1]
            + "."
            + (parts[2].charAt(0) == 'A' ? "B" : "A")
            + parts[2].substring(1);
    String tamperedPayload =
        parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "xx." + parts[2];

    client.me(null).expectProblem(401);
    client.me("not-a-jwt").expectProblem(401);
    client.me(tamperedSignature).expectProblem(401);
    client.me(tamperedPayload).expectProblem(401);
    client.patch("/api/users/me", Map.of("bio", "x"), null).expectProblem(401);
    client.get("/api/users/search?q=abc", null).expectProblem(401);
    client.get("/api/users/discover", null).expectProblem(401);
    client.post("/api/auth/ws-ticket", Map.of(), null).expectProblem(401);
    client.post("/api/auth/logout", Map.of(), null).expectProblem(401);

    client.me(token).expectStatus(200);
  }
}
