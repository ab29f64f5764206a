package com.parley.im.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import com.parley.im.gateway.TestWebApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;

/**
 * The gateway serves the web app's files at {@code /} with a strict CSP, without a token, and
 * leaves {@code /api/**} and {@code /ws} to the routes and the socket (ADR 0026).
 */
class WebAppIntegrationTests extends GatewayIntegrationTest {

  @Test
  void theRootIsTheIndexWithAStrictContentSecurityPolicy() {
    String policy =
        http.get()
            .uri("/")
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.TEXT_HTML)
            .expectHeader()
            .valueEquals("X-Content-Type-Options", "nosniff")
            .expectBody(String.class)
            .isEqualTo(TestWebApp.INDEX)
            .returnResult()
            .getResponseHeaders()
            .getFirst("Content-Security-Policy");
    assertThat(policy)
        .contains("default-src 'self'")
        .contains("script-src 'self';")
        .contains("connect-src 'self' ws: wss:")
        .contains("img-src 'self' blob: data:")
        .contains("media-src 'self' blob:")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
  }

  @Test
  void aScriptIsServedWithItsTypeAndTheSamePolicy() {
    http.get()
        .uri("/app.js")
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .contentTypeCompatibleWith("text/javascript")
        .expectHeader()
        .exists("Content-Security-Policy")
        .expectBody(String.class)
        .isEqualTo(TestWebApp.SCRIPT);
    http.head().uri("/app.js").exchange().expectStatus().isOk();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/missing.js", "/.secret", "/x/../../outside.txt"})
  void whatIsNotAServedFileIsA404(String path) {
    http.get()
        .uri(path)
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .doesNotExist("Content-Security-Policy");
  }

  @Test
  void onlyReadsAreServed() {
    http.post().uri("/app.js").exchange().expectStatus().isUnauthorized();
  }

  @Test
  void theApiStillNeedsATokenAndIsStillRouted() {
    http.get().uri("/api/friends").exchange().expectStatus().isUnauthorized();
    http.get()
        .uri("/api/friends")
        .header("Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()))
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .doesNotExist("Content-Security-Policy")
        .expectBody()
        .jsonPath("$.service")
        .isEqualTo("relation");
  }

  @Test
  void theSocketStillOpensBesideTheWebApp() throws Exception {
    TestSocket socket = connect(TestTokens.newIdentity());
    try {
      assertThat(socket.next("welcome")).isNotNull();
    } finally {
      socket.close();
    }
  }
}
