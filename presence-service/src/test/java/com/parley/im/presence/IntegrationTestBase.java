package com.parley.im.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.events.Destinations;
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.GatewayLeaseRenewed;
import com.parley.im.events.SocketChanged;
import com.parley.im.testsupport.EventTap;
import com.parley.im.testsupport.TestInfrastructure;
import com.parley.im.testsupport.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one Spring context of presence-service's tests (every test class extends this): real
 * PostgreSQL, Redis and RabbitMQ from {@link TestInfrastructure}, tokens from {@link TestTokens}, a
 * fast sweeper and outbox, and a {@link RecordingDeliveryPublisher} in place of the routed one.
 * Tests act as gateways do: they publish {@code SocketChanged} and {@code GatewayLeaseRenewed} to
 * the broker.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "im.presence.sweep-interval=200ms",
      "im.outbox.poll-interval=200ms",
      "im.outbox.retry-backoff=200ms",
      "im.outbox.max-retry-backoff=500ms",
      "spring.cloud.stream.bindings.trackSocket-in-0.consumer.back-off-initial-interval=50",
      "spring.cloud.stream.bindings.recordFriendship-in-0.consumer.back-off-initial-interval=50",
      "spring.cloud.stream.bindings.forgetFriendship-in-0.consumer.back-off-initial-interval=50"
    })
@AutoConfigureWebTestClient(timeout = "30s")
@Import(RecordingDeliveryPublisher.class)
public abstract class IntegrationTestBase {

  protected static final Duration WAIT = Duration.ofSeconds(15);

  private static RabbitTemplate gateway;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerAll(registry, "presence");
    TestTokens.register(registry);
  }

  @Autowired protected WebTestClient http;
  @Autowired protected DatabaseClient db;
  @Autowired protected JsonMapper json;
  @Autowired protected ConnectionFactory rabbit;
  @Autowired protected RecordingDeliveryPublisher pushed;

  /** A user id with a valid access token. */
  public record User(String id, String token) {}

  protected static User user() {
    String id = UUID.randomUUID().toString();
    return new User(id, TestTokens.accessToken(id, "phone"));
  }

  /** A gateway instance id of this test, with a lease renewed for {@code seconds}. */
  protected String gateway(long seconds) {
    String instance = "gw-" + UUID.randomUUID();
    renew(instance, seconds);
    return instance;
  }

  protected void renew(String instance, long seconds) {
    publish(
        Destinations.GATEWAY_LEASE_RENEWED,
        new GatewayLeaseRenewed(UUID.randomUUID().toString(), Instant.now(), instance, seconds));
  }

  protected SocketChanged opened(String instance, User user, String device, String socket) {
    return socket(instance, user, device, socket, SocketChanged.OPENED, null);
  }

  protected SocketChanged closed(
      String instance, User user, String device, String socket, String reason) {
    return socket(instance, user, device, socket, SocketChanged.CLOSED, reason);
  }

  private SocketChanged socket(
      String instance, User user, String device, String socket, String change, String reason) {
    SocketChanged event =
        new SocketChanged(
            UUID.randomUUID().toString(),
            Instant.now(),
            instance,
            user.id(),
            device,
            "session-" + device,
            socket,
            change,
            reason);
    publish(Destinations.SOCKET_CHANGED, event);
    return event;
  }

  /**
   * Waits until every socket event published before has been applied: socket events are consumed
   * one at a time in order, so once a marker user's socket is online, the earlier ones are done.
   */
  protected void awaitSocketEventsApplied() {
    User marker = user();
    String instance = gateway(60);
    opened(instance, marker, "marker", "m1");
    await().atMost(WAIT).until(() -> online(marker));
  }

  /** relation-service's event making the two friends, through the broker. */
  protected void befriend(User a, User b) {
    Instant now = Instant.now();
    publish(
        Destinations.FRIEND_REQUEST_ACCEPTED,
        new FriendRequestAccepted(
            UUID.randomUUID().toString(),
            now,
            UUID.randomUUID().toString(),
            a.id(),
            b.id(),
            now,
            false,
            null,
            null));
    await()
        .atMost(WAIT)
        .until(
            () ->
                count(
                        "select count(*) from friend where user_id = '"
                            + a.id()
                            + "' and friend_id = '"
                            + b.id()
                            + "'")
                    == 1);
  }

  /** {@code GET /api/presence} as {@code as}. */
  @SuppressWarnings("unchecked")
  protected List<Map<String, Object>> presence(User as, String userIds) {
    return http.get()
        .uri("/api/presence?userIds={ids}", userIds)
        .headers(h -> h.setBearerAuth(as.token()))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(List.class)
        .returnResult()
        .getResponseBody();
  }

  /** The user's own view of themselves. */
  protected Map<String, Object> self(User user) {
    List<Map<String, Object>> answer = presence(user, user.id());
    assertThat(answer).hasSize(1);
    return answer.get(0);
  }

  protected boolean online(User user) {
    return Boolean.TRUE.equals(self(user).get("online"));
  }

  /** The {@code presence} frames pushed to {@code to} about {@code about}. */
  protected List<Map<String, Object>> presenceFrames(User to, User about) {
    return pushed.framesFor(to.id()).stream()
        .filter(f -> "presence".equals(f.get("type")) && about.id().equals(f.get("userId")))
        .toList();
  }

  protected long count(String sql) {
    return db.sql(sql).map(row -> row.get(0, Long.class)).one().block(Duration.ofSeconds(10));
  }

  protected EventTap tap(String destination) {
    return EventTap.open(rabbit, json, destination);
  }

  /**
   * Publishes {@code event} to a destination's exchange as a gateway would. Always on the same
   * channel (a connection of the tests' own, one cached channel, used by the test thread only), so
   * events arrive in the order they were published, as from one gateway's producer; the context's
   * connection factory would hand out whichever channel is free.
   */
  protected void publish(String destination, Object event) {
    MessageProperties properties = new MessageProperties();
    properties.setContentType("application/json");
    gatewayTemplate()
        .send(
            TestInfrastructure.get().brokerPrefix() + destination,
            destination,
            new Message(json.writeValueAsBytes(event), properties));
  }

  private static synchronized RabbitTemplate gatewayTemplate() {
    if (gateway == null) {
      TestInfrastructure.Endpoints endpoints = TestInfrastructure.get().endpoints();
      CachingConnectionFactory factory =
          new CachingConnectionFactory(endpoints.rabbitHost(), endpoints.rabbitPort());
      factory.setUsername(endpoints.rabbitUser());
      factory.setPassword(endpoints.rabbitPassword());
      factory.setChannelCacheSize(1);
      gateway = new RabbitTemplate(factory);
    }
    return gateway;
  }
}
