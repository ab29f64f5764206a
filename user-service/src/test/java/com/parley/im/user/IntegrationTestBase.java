package com.parley.im.user;

import com.nimbusds.jwt.SignedJWT;
import com.parley.im.testsupport.EventTap;
import com.parley.im.testsupport.SwitchableBroker;
import com.parley.im.testsupport.TestInfrastructure;
import java.text.ParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
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
 * The one Spring context of user-service's integration tests (every test class extends this, so the
 * context is built once): real PostgreSQL, Redis and RabbitMQ from {@link TestInfrastructure},
 * cheap Argon2 parameters (the production ones are checked in {@code PasswordHashingTests}), a fast
 * outbox relay whose broker can be "switched off".
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "im.user.password-hashing.memory-kib=64",
      "im.user.password-hashing.iterations=1",
      "im.user.password-hashing.max-concurrent=2",
      "im.user.login-throttle.max-failures-per-username=5",
      "im.user.login-throttle.max-failures-per-address=8",
      "im.outbox.poll-interval=200ms",
      "im.outbox.retry-backoff=200ms",
      "im.outbox.max-retry-backoff=500ms"
    })
@AutoConfigureWebTestClient(timeout = "30s")
@Import(SwitchableBroker.class)
public abstract class IntegrationTestBase {

  private static final AtomicInteger NAMES = new AtomicInteger();
  protected static final String PASSWORD = "correct horse battery";

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerAll(registry, "user");
  }

  @Autowired protected WebTestClient http;
  @Autowired protected DatabaseClient db;
  @Autowired protected JsonMapper json;
  @Autowired protected ConnectionFactory rabbit;
  @Autowired protected SwitchableBroker broker;

  /** Tokens as the login endpoint answers them. */
  public record Tokens(
      String accessToken, String refreshToken, long expiresIn, String userId, String deviceId) {

    public String claim(String name) {
      try {
        Object value = SignedJWT.parse(accessToken).getJWTClaimsSet().getClaim(name);
        return value == null ? null : value.toString();
      } catch (ParseException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A registered user. */
  public record User(String id, String username, String displayName) {}

  /** A username no other test uses. */
  protected static String uniqueName(String stem) {
    return (stem + NAMES.incrementAndGet() + "_" + TestInfrastructure.get().runId())
        .substring(0, Math.min(32, stem.length() + 12));
  }

  /** A client address no other test uses, for X-Forwarded-For. */
  protected static String uniqueAddress() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format(
        Locale.ROOT, "10.%d.%d.%d", r.nextInt(256), r.nextInt(256), 1 + r.nextInt(254));
  }

  protected User register(String username, String displayName) {
    Map<?, ?> body =
        http.post()
            .uri("/api/users")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(
                Map.of("username", username, "password", PASSWORD, "displayName", displayName))
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    return new User((String) body.get("id"), (String) body.get("username"), displayName);
  }

  protected User register(String stem) {
    String username = uniqueName(stem);
    return register(username, "Name of " + username);
  }

  protected WebTestClient.ResponseSpec loginExchange(
      String username, String password, String deviceId, String address) {
    return http.post()
        .uri("/api/auth/login")
        .header("X-Forwarded-For", address + ", 192.0.2.1")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("username", username, "password", password, "deviceId", deviceId))
        .exchange();
  }

  protected Tokens login(String username, String deviceId) {
    return loginExchange(username, PASSWORD, deviceId, uniqueAddress())
        .expectStatus()
        .isOk()
        .expectBody(Tokens.class)
        .returnResult()
        .getResponseBody();
  }

  /** {@code POST /api/auth/ws-ticket} as that session: the answer's body. */
  protected Map<?, ?> issueTicket(Tokens tokens) {
    return http.post()
        .uri("/api/auth/ws-ticket")
        .headers(h -> h.setBearerAuth(tokens.accessToken()))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  protected WebTestClient.ResponseSpec refreshExchange(String refreshToken) {
    return http.post()
        .uri("/api/auth/refresh")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("refreshToken", refreshToken))
        .exchange();
  }

  protected WebTestClient.ResponseSpec getMe(String accessToken) {
    return http.get().uri("/api/users/me").headers(h -> h.setBearerAuth(accessToken)).exchange();
  }

  /** Asserts a problem detail with this status and code. */
  protected void expectProblem(WebTestClient.ResponseSpec response, int status, String code) {
    var result = response.expectBody(String.class).returnResult();
    String body = result.getResponseBody();
    org.assertj.core.api.Assertions.assertThat(result.getStatus().value())
        .as("status of %s", body)
        .isEqualTo(status);
    org.assertj.core.api.Assertions.assertThat(result.getResponseHeaders().getContentType())
        .as("content type of %s", body)
        .matches(type -> type != null && type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    Map<?, ?> problem = json.readValue(body, Map.class);
    org.assertj.core.api.Assertions.assertThat(problem.get("code")).as(body).isEqualTo(code);
    org.assertj.core.api.Assertions.assertThat(problem.get("status")).as(body).isEqualTo(status);
  }

  /**
   * A queue of this test's own, bound to the exchange that the binder publishes {@code destination}
   * to. Declare it before the action whose event it should see.
   */
  protected EventTap tap(String destination) {
    return EventTap.open(rabbit, json, destination);
  }
}
