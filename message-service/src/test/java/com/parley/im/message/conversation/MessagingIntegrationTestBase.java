package com.parley.im.message.conversation;

import static org.awaitility.Awaitility.await;

import com.parley.im.events.DeliveryBatch;
import com.parley.im.events.Destinations;
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.protocol.ConversationIds;
import com.parley.im.testsupport.EventTap;
import com.parley.im.testsupport.TestInfrastructure;
import com.parley.im.testsupport.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Spring context of the conversation, position and relay tests: real PostgreSQL, Redis and
 * RabbitMQ from {@link TestInfrastructure}, tokens from {@link TestTokens}, a fast outbox relay.
 * Pushes go through the real routed delivery: a test registers a presence route of its user to a
 * fake gateway instance ({@link #online}) and reads that instance's queue on the {@code
 * gateway-deliveries} exchange ({@link FakeGateway}). The outbox publishes through the real broker
 * with a switch to make it fail, and a recording relay listener ({@link TestOutbox}).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "im.outbox.poll-interval=200ms",
      "im.outbox.retry-backoff=200ms",
      "im.outbox.max-retry-backoff=500ms",
      "spring.cloud.stream.bindings.handleClientFrame-in-0.consumer.back-off-initial-interval=50",
      "spring.cloud.stream.bindings.rememberFriendship-in-0.consumer.back-off-initial-interval=50"
    })
@AutoConfigureWebTestClient(timeout = "30s")
@Import(TestOutbox.class)
public abstract class MessagingIntegrationTestBase {

  protected static final Duration WAIT = Duration.ofSeconds(15);

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerAll(registry, "message_positions");
    TestTokens.register(registry);
    registry.add("im.delivery.presence-key-prefix", MessagingIntegrationTestBase::presencePrefix);
  }

  @Autowired protected WebTestClient http;
  @Autowired protected DatabaseClient db;
  @Autowired protected JsonMapper json;
  @Autowired protected ConnectionFactory rabbit;
  @Autowired protected DatabaseConversationAccess access;

  @Autowired
  @Qualifier("rememberFriendship")
  protected Consumer<FriendRequestAccepted> rememberFriendship;

  private static StringRedisTemplate redis;

  /** A user id with a valid access token. */
  public record User(String id, String token) {}

  protected static User user() {
    String id = UUID.randomUUID().toString();
    return new User(id, TestTokens.accessToken(id, "phone"));
  }

  protected static String presencePrefix() {
    return TestInfrastructure.get().redisPrefix("presence");
  }

  /** Makes the two friends through the consumer (as relation-service's event would); the id. */
  protected String befriend(User a, User b) {
    Instant now = Instant.now();
    rememberFriendship.accept(
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
    return ConversationIds.direct(a.id(), b.id());
  }

  /** A group conversation with these active members, written directly to the tables. */
  protected String group(User... members) {
    String id = "g_" + UUID.randomUUID();
    db.sql("insert into conversation (id, type, name, member_count) values (:id, 'group', 'g', :n)")
        .bind("id", id)
        .bind("n", members.length)
        .then()
        .block(WAIT);
    for (User member : members) {
      db.sql(
              "insert into member (conversation_id, user_id, role, from_seq)"
                  + " values (:id, :user, 'member', 1)")
          .bind("id", id)
          .bind("user", member.id())
          .then()
          .block(WAIT);
    }
    return id;
  }

  /** Sets the conversation's last seq, as stored messages would. */
  protected void lastSeq(String conversationId, long seq) {
    db.sql("update conversation set last_seq = :seq where id = :id")
        .bind("seq", seq)
        .bind("id", conversationId)
        .then()
        .block(WAIT);
  }

  /** Sends a text message through REST as {@code token}'s device; the 201 answer's body. */
  protected Map<?, ?> sendText(
      String token, String conversationId, String clientMsgId, String text) {
    return http.post()
        .uri("/api/conversations/{id}/messages", conversationId)
        .headers(h -> h.setBearerAuth(token))
        .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", clientMsgId, "kind", "text", "body", Map.of("text", text)))
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  protected long count(String sql) {
    return db.sql(sql).map(row -> row.get(0, Long.class)).one().block(WAIT);
  }

  protected EventTap tap(String destination) {
    return EventTap.open(rabbit, json, destination);
  }

  protected void publish(String destination, Object event) {
    EventTap.publish(rabbit, json, destination, event);
  }

  /** Registers a presence route: {@code user}'s {@code device} has a socket on {@code gateway}. */
  protected void online(User user, String device, FakeGateway gateway) {
    // The table's marker, as presence keeps it: the routing table is complete (ADR 0008).
    redisTemplate().opsForValue().set(presencePrefix() + "table", "1");
    redisTemplate()
        .opsForHash()
        .put(presencePrefix() + "route:" + user.id(), device + "/s-" + device, gateway.instanceId);
  }

  /** Presence's Redis as a test sees it (only keys under the test run's presence prefix). */
  protected static synchronized StringRedisTemplate redisTemplate() {
    if (redis == null) {
      TestInfrastructure.Endpoints endpoints = TestInfrastructure.get().endpoints();
      var factory =
          new org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory(
              endpoints.redisHost(), endpoints.redisPort());
      factory.afterPropertiesSet();
      redis = new StringRedisTemplate(factory);
    }
    return redis;
  }

  protected FakeGateway gateway() {
    return new FakeGateway(rabbit, json);
  }

  /** A queue bound to {@code gateway-deliveries} under a made-up gateway instance id. */
  public static final class FakeGateway {

    public final String instanceId = "gw-test-" + UUID.randomUUID();
    private final RabbitTemplate template;
    private final JsonMapper json;
    private final String queue;
    private final List<Map<String, Object>> received = new ArrayList<>();

    FakeGateway(ConnectionFactory rabbit, JsonMapper json) {
      RabbitAdmin admin = new RabbitAdmin(rabbit);
      DirectExchange exchange =
          new DirectExchange(
              TestInfrastructure.get().brokerPrefix() + Destinations.GATEWAY_DELIVERIES,
              true,
              false);
      admin.declareExchange(exchange);
      Queue q =
          QueueBuilder.nonDurable(TestInfrastructure.get().brokerPrefix() + instanceId)
              .expires(120_000)
              .build();
      admin.declareQueue(q);
      admin.declareBinding(BindingBuilder.bind(q).to(exchange).with(instanceId));
      this.template = new RabbitTemplate(rabbit);
      this.json = json;
      this.queue = q.getName();
    }

    /** Every frame received so far for {@code userId} (device-targeted or not), as maps. */
    @SuppressWarnings("unchecked")
    public synchronized List<Map<String, Object>> frames(String userId, String deviceId) {
      Message message;
      while ((message = template.receive(queue)) != null) {
        DeliveryBatch batch =
            json.readValue(
                new String(message.getBody(), StandardCharsets.UTF_8), DeliveryBatch.class);
        for (DeliveryBatch.Delivery delivery : batch.deliveries()) {
          Map<String, Object> frame = json.readValue(delivery.frame(), Map.class);
          frame.put("_userId", delivery.userId());
          frame.put("_deviceId", delivery.deviceId());
          frame.put("_exceptDeviceId", delivery.exceptDeviceId());
          received.add(frame);
        }
      }
      return received.stream()
          .filter(f -> userId.equals(f.get("_userId")))
          .filter(
              f ->
                  f.get("_deviceId") == null
                      ? !deviceId.equals(f.get("_exceptDeviceId"))
                      : deviceId.equals(f.get("_deviceId")))
          .toList();
    }

    /**
     * The next batch this instance receives, as the broker delivered it (body and properties, for
     * the contract verification of ADR 0011); earlier batches that {@link #frames} read are gone.
     */
    public Message nextBatch() {
      Message message = template.receive(queue, WAIT.toMillis());
      if (message == null) {
        throw new AssertionError("No delivery batch for " + instanceId + " within " + WAIT);
      }
      return message;
    }

    /** Waits until a frame of this type reaches the device, and answers it. */
    public Map<String, Object> await(String userId, String deviceId, String type) {
      List<Map<String, Object>> found = new ArrayList<>();
      org.awaitility.Awaitility.await()
          .atMost(WAIT)
          .until(
              () -> {
                found.clear();
                frames(userId, deviceId).stream()
                    .filter(f -> type.equals(f.get("type")))
                    .forEach(found::add);
                return !found.isEmpty();
              });
      return found.get(found.size() - 1);
    }
  }

  protected static void awaitTrue(java.util.concurrent.Callable<Boolean> condition) {
    await().atMost(WAIT).until(condition);
  }
}
