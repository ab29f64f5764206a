package com.parley.im.relation;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.UserRegistered;
import com.parley.im.testsupport.EventTap;
import com.parley.im.testsupport.SwitchableBroker;
import com.parley.im.testsupport.TestInfrastructure;
import com.parley.im.testsupport.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one Spring context of relation-service's integration tests (every test class extends this, so
 * the context is built once): real PostgreSQL, Redis and RabbitMQ from {@link TestInfrastructure},
 * access tokens from {@link TestTokens} (verified through the real JWK-set path), a fast outbox
 * relay whose broker can be "switched off", and a short wait for unknown users.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "im.outbox.poll-interval=200ms",
      "im.outbox.retry-backoff=200ms",
      "im.outbox.max-retry-backoff=500ms",
      "im.relation.unknown-user-grace=1s",
      // A poison message is retried quickly in tests, then dead-lettered.
      "spring.cloud.stream.bindings.rememberRegisteredUser-in-0.consumer.back-off-initial-interval=50",
      "spring.cloud.stream.bindings.rememberUpdatedUser-in-0.consumer.back-off-initial-interval=50"
    })
@AutoConfigureWebTestClient(timeout = "30s")
@Import(SwitchableBroker.class)
public abstract class IntegrationTestBase {

  private static final AtomicInteger NAMES = new AtomicInteger();

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerAll(registry, "relation");
    TestTokens.register(registry);
  }

  @Autowired protected WebTestClient http;
  @Autowired protected DatabaseClient db;
  @Autowired protected JsonMapper json;
  @Autowired protected ConnectionFactory rabbit;
  @Autowired protected SwitchableBroker broker;

  @Autowired
  @Qualifier("rememberRegisteredUser")
  protected Consumer<UserRegistered> rememberRegisteredUser;

  /** A user that relation-service knows, with a valid access token. */
  public record User(String id, String displayName, String token) {}

  /** A new user, made known the way user-service's event would (the consumer, directly). */
  protected User user(String stem) {
    String id = UUID.randomUUID().toString();
    String name = stem + NAMES.incrementAndGet();
    rememberRegisteredUser.accept(
        new UserRegistered(UUID.randomUUID().toString(), Instant.now(), id, name, "Name " + name));
    return new User(id, "Name " + name, TestTokens.accessToken(id, "phone"));
  }

  /** A user with a valid token whom relation-service has never heard of. */
  protected User stranger() {
    String id = UUID.randomUUID().toString();
    return new User(id, null, TestTokens.accessToken(id, "phone"));
  }

  protected WebTestClient.ResponseSpec sendRequest(User from, String toUserId) {
    return sendRequest(from, toUserId, null);
  }

  protected WebTestClient.ResponseSpec sendRequest(User from, String toUserId, String message) {
    Map<String, Object> body = new java.util.HashMap<>();
    body.put("toUserId", toUserId);
    if (message != null) {
      body.put("message", message);
    }
    return http.post()
        .uri("/api/friend-requests")
        .headers(h -> h.setBearerAuth(from.token()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }

  /** Sends a request and answers its id (201 expected). */
  protected String requestId(User from, User to) {
    return (String)
        sendRequest(from, to.id())
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody()
            .get("id");
  }

  protected WebTestClient.ResponseSpec post(User as, String uri, Object... vars) {
    return http.post().uri(uri, vars).headers(h -> h.setBearerAuth(as.token())).exchange();
  }

  protected WebTestClient.ResponseSpec get(User as, String uri, Object... vars) {
    return http.get().uri(uri, vars).headers(h -> h.setBearerAuth(as.token())).exchange();
  }

  protected WebTestClient.ResponseSpec delete(User as, String uri, Object... vars) {
    return http.delete().uri(uri, vars).headers(h -> h.setBearerAuth(as.token())).exchange();
  }

  protected WebTestClient.ResponseSpec put(User as, String uri, Object... vars) {
    return http.put().uri(uri, vars).headers(h -> h.setBearerAuth(as.token())).exchange();
  }

  /** Makes the two friends (a request and its acceptance). */
  protected void befriend(User a, User b) {
    String id = requestId(a, b);
    post(b, "/api/friend-requests/{id}/accept", id).expectStatus().isOk();
  }

  /** The user ids in {@code GET /api/friends} of this user. */
  protected java.util.List<Object> friendIds(User of) {
    java.util.List<?> friends =
        get(of, "/api/friends")
            .expectStatus()
            .isOk()
            .expectBody(java.util.List.class)
            .returnResult()
            .getResponseBody();
    return friends.stream()
        .map(f -> ((Map<String, Object>) f).get("userId"))
        .map(Object.class::cast)
        .toList();
  }

  /** Asserts a problem detail with this status and code. */
  protected void expectProblem(WebTestClient.ResponseSpec response, int status, String code) {
    var result = response.expectBody(String.class).returnResult();
    String body = result.getResponseBody();
    assertThat(result.getStatus().value()).as("status of %s", body).isEqualTo(status);
    assertThat(result.getResponseHeaders().getContentType())
        .as("content type of %s", body)
        .matches(type -> type != null && type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    Map<String, Object> problem = json.readValue(body, Map.class);
    assertThat(problem.get("code")).as(body).isEqualTo(code);
    assertThat(problem.get("status")).as(body).isEqualTo(status);
  }

  /** How many rows a query counts. */
  protected long count(String sql, Map<String, Object> binds) {
    var spec = db.sql(sql);
    for (var bind : binds.entrySet()) {
      spec = spec.bind(bind.getKey(), bind.getValue());
    }
    return spec.map(row -> row.get(0, Long.class)).one().block(Duration.ofSeconds(10));
  }

  /**
   * A queue of this test's own, bound to the exchange that the binder publishes {@code destination}
   * to. Declare it before the action whose event it should see.
   */
  protected EventTap tap(String destination) {
    return EventTap.open(rabbit, json, destination);
  }

  /** Publishes raw JSON to a destination's exchange, as another service's outbox would. */
  protected void publish(String destination, Object event) {
    EventTap.publish(rabbit, json, destination, event);
  }
}
