package com.parley.im.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.TestTokens;
import com.parley.im.testsupport.TestServiceTokens;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

class RoutingTests extends GatewayIntegrationTest {

  @LocalManagementPort int managementPort;

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "GET, /api/users/me, user",
    "GET, /api/users/search?q=al, user",
    "POST, /api/auth/logout, user",
    "POST, /api/auth/ws-ticket, user",
    "GET, /api/friend-requests?direction=incoming, relation",
    "GET, /api/friends, relation",
    "PUT, /api/blocks/u-2, relation",
    "PUT, /api/conversations/c-1/mute, unread",
    "DELETE, /api/conversations/c-1/mute, unread",
    "GET, /api/unread, unread",
    "GET, /api/conversations, message",
    "GET, /api/conversations/c-1/messages?afterSeq=3, message",
    "POST, /api/conversations/c-1/read, message",
    "POST, /api/groups, message",
    "POST, /api/messages/m-1/recall, message",
    "GET, '/api/presence?userIds=a,b', presence",
  })
  void eachPrefixReachesItsService(String method, String path, String service) {
    String token = TestTokens.valid(TestTokens.newIdentity());
    http.method(HttpMethod.valueOf(method))
        .uri(path)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.service")
        .isEqualTo(service)
        .jsonPath("$.path")
        .isEqualTo(path)
        .jsonPath("$.headers.authorization")
        .isEqualTo("Bearer " + token);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "POST, /api/users",
    "POST, /api/auth/login",
    "POST, /api/auth/refresh",
    "GET, /api/auth/jwks",
  })
  void thePublicRoutesNeedNoToken(String method, String path) {
    http.method(HttpMethod.valueOf(method))
        .uri(path)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{}")
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void refreshingWithAnExpiredAccessTokenStillAttachedIsNotRefused() {
    http.post()
        .uri("/api/auth/refresh")
        .header("Authorization", "Bearer " + TestTokens.expired(TestTokens.newIdentity()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"refreshToken\":\"r\"}")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.service")
        .isEqualTo("user");
  }

  @Test
  void servicesLearnTheClientAddressAndNotWhatTheClientClaims() {
    http.get()
        .uri("/api/users/me")
        .header("Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()))
        .header("X-Forwarded-For", "6.6.6.6")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.headers.x-forwarded-for")
        .isEqualTo("127.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/internal/ws-tickets/redeem",
        "/internal/anything",
        "/actuator/env",
        "/actuator/prometheus",
        "/actuator/health/readiness",
        "/actuator/metrics",
        "/api/users/%2e%2e/%2e%2e/internal/ws-tickets/redeem",
        "/api/users/../../internal/x",
      })
  void internalAndActuatorPathsAreNeverReachable(String path) {
    for (boolean withToken : new boolean[] {false, true}) {
      var request = http.post().uri(URI.create("http://127.0.0.1:" + port + path));
      if (withToken) {
        request =
            request.header("Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()));
      }
      request
          .exchange()
          .expectStatus()
          .isNotFound()
          .expectHeader()
          .contentType("application/problem+json")
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("not_found");
    }
  }

  @Test
  void theGatewaysOwnProbesAreOpenOnThePublicPort() {
    http.get().uri("/livez").exchange().expectStatus().isOk();
    http.get()
        .uri("/readyz")
        .header("Authorization", "Bearer stale")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("UP");
  }

  /**
   * The actuator lives on the management port (ADR 0007): health and prometheus open, the rest only
   * with a service credential (a user's access token is not one).
   */
  @Test
  void theManagementPortServesHealthAndMetricsAndGuardsTheRest() {
    WebTestClient management =
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
    management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
    management
        .get()
        .uri("/actuator/prometheus")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
    // The routes' figures, per route, under their own name (no clash with the WebClient's).
    http.get()
        .uri("/api/friends")
        .header("Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()))
        .exchange()
        .expectStatus()
        .isOk();
    management
        .get()
        .uri("/actuator/prometheus")
        .exchange()
        .expectBody(String.class)
        .value(
            body ->
                assertThat(body)
                    .containsPattern(
                        "im_gateway_route_requests_seconds_count\\{[^}]*route_id=\"relation\""));
    for (String credential :
        List.of(
            "Bearer " + TestTokens.valid(TestTokens.newIdentity()),
            TestServiceTokens.signedWithAnotherKey(),
            TestServiceTokens.expired())) {
      management
          .get()
          .uri("/actuator/metrics")
          .header("Authorization", credential)
          .exchange()
          .expectStatus()
          .isUnauthorized()
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("service_unauthorized");
    }
    management.get().uri("/actuator/metrics").exchange().expectStatus().isUnauthorized();
    management
        .get()
        .uri("/actuator/metrics")
        .header("Authorization", TestServiceTokens.authorization())
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void anUnknownApiPathIsA404Problem() {
    http.get()
        .uri("/api/nothing-here")
        .header("Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()))
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType("application/problem+json");
  }

  @Test
  void withoutATokenAProtectedRouteIsA401Problem() {
    http.get()
        .uri("/api/friends")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueEquals("WWW-Authenticate", "Bearer")
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("unauthorized")
        .jsonPath("$.status")
        .isEqualTo(401);
  }

  @Test
  void aBadTokenIsA401ProblemAndAnExpiredOneSaysSo() {
    TestTokens.Identity id = TestTokens.newIdentity();
    for (String token :
        List.of("not-a-jwt", TestTokens.signedByAnotherKey(id), TestTokens.wrongIssuer(id))) {
      http.get()
          .uri("/api/friends")
          .header("Authorization", "Bearer " + token)
          .exchange()
          .expectStatus()
          .isUnauthorized()
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("unauthorized");
    }
    http.get()
        .uri("/api/friends")
        .header("Authorization", "Bearer " + TestTokens.expired(id))
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("token_expired");
  }

  @Test
  void aSignedMediaUrlNeedsNoTokenAndAnUnsignedOneDoes() {
    // media-service is down here: passing the gateway's token check shows as its 503.
    for (String path :
        List.of("/api/media/m-1?exp=1&sig=abc", "/api/media/m-1/thumbnail?exp=1&sig=abc")) {
      http.get().uri(path).exchange().expectStatus().isEqualTo(503);
    }
    http.get().uri("/api/media/m-1?exp=1").exchange().expectStatus().isUnauthorized();
    http.post().uri("/api/media?sig=abc").exchange().expectStatus().isUnauthorized();
    http.get().uri("/api/media/uploads/u-1?sig=abc").exchange().expectStatus().isUnauthorized();
  }

  /**
   * Request bodies stream through to the service: its first byte arrives while the client is still
   * sending. (Spring Cloud Gateway's CircuitBreaker filter with a fallback URI cached every body
   * whole first; three 100 MiB uploads exhausted the gateway's direct memory.)
   */
  @Test
  void aLargeBodyIsStreamedToTheServiceNotHeldInTheGateway() {
    int chunks = 200;
    int chunk = 64 * 1024;
    java.util.concurrent.atomic.AtomicLong lastSent = new java.util.concurrent.atomic.AtomicLong();
    Flux<org.springframework.core.io.buffer.DataBuffer> body =
        Flux.interval(Duration.ofMillis(5))
            .take(chunks)
            .<org.springframework.core.io.buffer.DataBuffer>map(
                i ->
                    org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance.wrap(
                        new byte[chunk]))
            .doOnComplete(() -> lastSent.set(System.nanoTime()));
    tools.jackson.databind.JsonNode answer =
        WebClient.create("http://127.0.0.1:" + port)
            .post()
            .uri("/api/users/stream-probe")
            .header("Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()))
            .header("Content-Type", "application/octet-stream")
            .body(org.springframework.web.reactive.function.BodyInserters.fromDataBuffers(body))
            .retrieve()
            .bodyToMono(tools.jackson.databind.JsonNode.class)
            .block(Duration.ofSeconds(30));
    assertThat(answer.path("bytes").asLong()).isEqualTo((long) chunks * chunk);
    assertThat(answer.path("firstByteNanos").asLong())
        .as("the service's first byte came before the client's last was sent")
        .isLessThan(lastSent.get());
  }

  @Test
  void aServiceThatIsDownIsA503Problem() {
    http.get()
        .uri("/api/media/m-1")
        .header("Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()))
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("service_unavailable")
        .jsonPath("$.instance")
        .isEqualTo("/api/media/m-1");
  }

  @Test
  void aServiceThatDoesNotAnswerInTimeIsBusy429WithRetryAfter() {
    long start = System.nanoTime();
    http.get()
        .uri("/api/presence/slow")
        .header("Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()))
        .exchange()
        .expectStatus()
        .isEqualTo(429)
        .expectHeader()
        .valueEquals("Retry-After", "2")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("rate_limited");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
  }

  /**
   * Issue 8: a burst that makes a healthy service slow must not open its breaker. Twelve calls run
   * out of time (more than the breaker's minimum of ten), then the service answers at once again.
   */
  @Test
  void callsThatRunOutOfTimeDoNotOpenTheBreaker() {
    WebClient client = WebClient.create("http://127.0.0.1:" + port);
    List<Integer> statuses =
        Flux.range(0, 12)
            .flatMap(
                i ->
                    client
                        .get()
                        .uri("/api/friends/slow?attempt=" + i)
                        .header(
                            "Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()))
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())))
            .collectList()
            .block(Duration.ofSeconds(30));
    assertThat(statuses).containsOnly(429);
    http.get()
        .uri("/api/friends")
        .header("Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()))
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void aUserOverTheRateLimitGets429ProblemsWithRetryAfter() {
    String token = TestTokens.valid(TestTokens.newIdentity());
    WebClient client = WebClient.create("http://127.0.0.1:" + port);
    // At once, so that the bucket (burst 10, 5/s in these tests) cannot refill in between.
    List<ResponseEntity<String>> responses =
        Flux.range(0, 30)
            .flatMap(
                i ->
                    client
                        .get()
                        .uri("/api/friends?attempt=" + i)
                        .header("Authorization", "Bearer " + token)
                        .exchangeToMono(response -> response.toEntity(String.class)),
                30)
            .collectList()
            .block(Duration.ofSeconds(30));

    List<ResponseEntity<String>> refused =
        responses.stream().filter(r -> r.getStatusCode().value() == 429).toList();
    assertThat(refused).isNotEmpty();
    assertThat(responses.stream().filter(r -> r.getStatusCode().value() == 200)).isNotEmpty();
    ResponseEntity<String> first = refused.get(0);
    assertThat(first.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(first.getHeaders().getFirst("Retry-After")).isEqualTo("1");
    assertThat(first.getBody()).contains("\"code\":\"rate_limited\"");
    // Another user is not affected.
    http.get()
        .uri("/api/friends")
        .header("Authorization", "Bearer " + TestTokens.valid(TestTokens.newIdentity()))
        .exchange()
        .expectStatus()
        .isOk();
  }
}
