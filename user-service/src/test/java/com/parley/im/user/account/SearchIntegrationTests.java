package com.parley.im.user.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.user.IntegrationTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SearchIntegrationTests extends IntegrationTestBase {

  String token;
  User exact;
  User prefixA;
  User prefixB;
  User substringA;
  User substringZ;
  Tokens caller;

  @BeforeEach
  void users() {
    StringBuilder letters = new StringBuilder("q");
    for (int i = 0; i < 6; i++) {
      letters.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
    }
    token = letters.toString();
    exact = register(token, "Somebody Else");
    prefixB = register(uniqueName("pb"), token.toUpperCase(Locale.ROOT) + " Bravo");
    prefixA = register(uniqueName("pa"), token + " alpha");
    substringZ = register(uniqueName("sz"), "Zed " + token);
    substringA = register(uniqueName("sa"), "Alpha" + token + "x");
    caller = login(register("searcher").username(), "phone");
  }

  @Test
  void listsTheExactUsernameFirstThenPrefixThenSubstringMatches() {
    Map<?, ?> page = search(token.toUpperCase(Locale.ROOT), 50, null);
    assertThat(ids(page))
        .containsExactly(exact.id(), prefixA.id(), prefixB.id(), substringA.id(), substringZ.id());
    assertThat(page.get("nextCursor")).isNull();
  }

  @Test
  void pagesWithAnOpaqueCursorWithoutRepeatsOrGaps() {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Map<?, ?> page = search(token, 2, cursor);
      seen.addAll(ids(page));
      cursor = (String) page.get("nextCursor");
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(seen)
        .containsExactly(exact.id(), prefixA.id(), prefixB.id(), substringA.id(), substringZ.id());
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void shortQueriesMatchUsernamesAndPrefixesOnly() {
    assertThat(ids(search(token.substring(0, 2), 50, null)))
        .doesNotContain(substringA.id(), substringZ.id());
  }

  @Test
  void refusesBadParameters() {
    expectProblem(get("/api/users/search?q="), 400, "validation_failed");
    expectProblem(get("/api/users/search?q=abc&limit=0"), 400, "validation_failed");
    expectProblem(get("/api/users/search?q=abc&limit=x"), 400, "validation_failed");
    expectProblem(get("/api/users/search?q=abc&cursor=%%%"), 400, "validation_failed");
    expectProblem(
        http.get()
            .uri(b -> b.path("/api/users/search").queryParam("q", "a\u0000b").build())
            .headers(h -> h.setBearerAuth(caller.accessToken()))
            .exchange(),
        400,
        "validation_failed");
    get("/api/users/search?q=abc&limit=500").expectStatus().isOk();
  }

  private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec get(String uri) {
    return http.get().uri(uri).headers(h -> h.setBearerAuth(caller.accessToken())).exchange();
  }

  private Map<?, ?> search(String q, int limit, String cursor) {
    return http.get()
        .uri(
            b ->
                b.path("/api/users/search")
                    .queryParam("q", q)
                    .queryParam("limit", limit)
                    .queryParamIfPresent("cursor", java.util.Optional.ofNullable(cursor))
                    .build())
        .headers(h -> h.setBearerAuth(caller.accessToken()))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  static List<String> ids(Map<?, ?> page) {
    return ((List<?>) page.get("users"))
        .stream().map(u -> (String) ((Map<?, ?>) u).get("id")).toList();
  }
}
