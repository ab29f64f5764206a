package com.parley.im.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.events.Destinations;
import com.parley.im.gateway.FakeServices;
import com.parley.im.gateway.GatewayServiceApplication;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import com.parley.im.testsupport.EventTap;
import com.parley.im.testsupport.TestInfrastructure;
import com.parley.im.testsupport.TestServiceTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two gateway instances at once (two Spring contexts in this JVM, each with its own instance id and
 * port): frames published with {@link DeliveryPublisher} reach exactly the right sockets on both,
 * in order, and each instance's queue carries only frames for its own sockets (ADR 0005).
 *
 * <p>The route hashes are written from the {@code SocketChanged} events the gateways publish, in
 * presence's format ({@code {presence prefix}route:{userId}}, field {@code {deviceId}/{socketId}},
 * value the instance id), as presence-service would.
 *
 * <p>Runs after the other test classes (which share one context), so that starting and closing two
 * more gateways in this JVM does not happen in the middle of them.
 */
@Order(Integer.MAX_VALUE)
class RoutedDeliveryIntegrationTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final int FRAMES = 50;

  private static ConfigurableApplicationContext one;
  private static ConfigurableApplicationContext two;

  @BeforeAll
  static void startTwoInstances() {
    one = start("gw-it1-" + RUN);
    two = start("gw-it2-" + RUN);
  }

  @AfterAll
  static void stopThem() {
    if (one != null) {
      one.close();
    }
    if (two != null) {
      two.close();
    }
  }

  private static ConfigurableApplicationContext start(String instanceId) {
    FakeServices services = FakeServices.get();
    Map<String, Object> properties = new LinkedHashMap<>();
    DynamicPropertyRegistry registry = (name, value) -> properties.put(name, value.get());
    TestInfrastructure.get().registerRedis(registry, "gateway");
    TestInfrastructure.get().registerRabbit(registry);
    TestServiceTokens.register(registry);
    registry.add(
        "im.delivery.presence-key-prefix", () -> TestInfrastructure.get().redisPrefix("presence"));
    registry.add("im.gateway.instance-id", () -> instanceId);
    registry.add("server.port", () -> 0);
    registry.add("management.server.port", () -> 0);
    registry.add("im.gateway.websocket.heartbeat-interval", () -> "120s");
    // No presence-service here: the test writes each route itself after the welcome, so the
    // welcome must not wait for one (it waited 3 s per socket, past the 10 s wait under load).
    registry.add("im.gateway.presence.welcome-route-wait", () -> "0s");
    registry.add("im.gateway.tokens.jwks-uri", () -> services.uri("user") + "/api/auth/jwks");
    registry.add("im.gateway.tickets.user-service-uri", () -> services.uri("user"));
    registry.add("IM_USER_URI", () -> services.uri("user"));
    registry.add("IM_RELATION_URI", () -> services.uri("relation"));
    registry.add("IM_MESSAGE_URI", () -> services.uri("message"));
    registry.add("IM_PRESENCE_URI", () -> services.uri("presence"));
    registry.add("IM_UNREAD_URI", () -> services.uri("unread"));
    registry.add("IM_MEDIA_URI", () -> "http://127.0.0.1:1");
    // As command-line arguments: builder "properties" are defaults, below application.yml.
    String[] args =
        properties.entrySet().stream()
            .map(p -> "--" + p.getKey() + "=" + p.getValue())
            .toArray(String[]::new);
    // Own Netty resources: closing a context that uses the global ones would dispose them under the
    // other contexts of this JVM (the shared test context, the fake services).
    return new SpringApplicationBuilder(GatewayServiceApplication.class)
        .initializers(
            context ->
                ((GenericApplicationContext) context)
                    .registerBean(
                        ReactorResourceFactory.class,
                        () -> {
                          ReactorResourceFactory resources = new ReactorResourceFactory();
                          resources.setUseGlobalResources(false);
                          return resources;
                        }))
        .run(args);
  }

  private static int port(ConfigurableApplicationContext context) {
    return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
  }

  private static String instanceId(ConfigurableApplicationContext context) {
    return context.getEnvironment().getRequiredProperty("im.gateway.instance-id");
  }

  @Test
  void aPushReachesExactlyTheRightSocketsOnBothInstancesInOrder() throws Exception {
    EventTap tap =
        EventTap.open(
            one.getBean(ConnectionFactory.class),
            one.getBean(JsonMapper.class),
            Destinations.SOCKET_CHANGED);
    TestTokens.Identity alicePhone = TestTokens.newIdentity();
    TestTokens.Identity aliceLaptop =
        new TestTokens.Identity(
            alicePhone.userId(), alicePhone.deviceId() + "-b", alicePhone.sessionId() + "-b");
    TestTokens.Identity bob = TestTokens.newIdentity();
    DeliveryRouter routerOne = one.getBean(DeliveryRouter.class);
    DeliveryRouter routerTwo = two.getBean(DeliveryRouter.class);
    long receivedOne = routerOne.received();
    long receivedTwo = routerTwo.received();
    long droppedOne = routerOne.dropped();
    long droppedTwo = routerTwo.dropped();

    try (TestSocket phone = connectAndRoute(one, alicePhone, tap);
        TestSocket laptop = connectAndRoute(two, aliceLaptop, tap);
        TestSocket bobs = connectAndRoute(two, bob, tap)) {
      DeliveryPublisher publisher = one.getBean(DeliveryPublisher.class);
      String carol = "u-offline-" + RUN;
      // One call per round, one after the other: each round has a frame for all of Alice's
      // devices, every 10th a frame for her laptop only, the first 5 a frame for Bob, and one for
      // a user who is offline.
      for (int i = 0; i < FRAMES; i++) {
        List<Delivery> round = new ArrayList<>();
        round.add(new Delivery(alicePhone.userId(), null, frame("all", i)));
        if (i % 10 == 0) {
          round.add(new Delivery(alicePhone.userId(), aliceLaptop.deviceId(), frame("laptop", i)));
        }
        if (i < 5) {
          round.add(new Delivery(bob.userId(), null, frame("bob", i)));
        }
        round.add(new Delivery(carol, null, frame("carol", i)));
        publisher.deliver(round).block(Duration.ofSeconds(10));
      }

      List<String> phoneExpected = new ArrayList<>();
      List<String> laptopExpected = new ArrayList<>();
      for (int i = 0; i < FRAMES; i++) {
        phoneExpected.add("all:" + i);
        laptopExpected.add("all:" + i);
        if (i % 10 == 0) {
          laptopExpected.add("laptop:" + i);
        }
      }
      assertThat(read(phone, phoneExpected.size())).containsExactlyElementsOf(phoneExpected);
      assertThat(read(laptop, laptopExpected.size())).containsExactlyElementsOf(laptopExpected);
      assertThat(read(bobs, 5)).containsExactly("bob:0", "bob:1", "bob:2", "bob:3", "bob:4");

      // Each instance's queue carried only frames for its own sockets: instance one Alice's
      // all-device frames (her phone), instance two those, her laptop's and Bob's; nothing for
      // Carol anywhere, and nothing either instance had no socket for.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(routerOne.received() - receivedOne).isEqualTo(FRAMES);
                assertThat(routerTwo.received() - receivedTwo).isEqualTo(FRAMES + 5 + 5);
              });
      assertThat(routerOne.dropped()).isEqualTo(droppedOne);
      assertThat(routerTwo.dropped()).isEqualTo(droppedTwo);

      // A ping answered after all of it: no stray frame was queued before the pong.
      phone.send("{\"type\":\"ping\",\"id\":\"end\"}");
      assertThat(phone.next().path("type").asString()).isEqualTo("pong");
      bobs.send("{\"type\":\"ping\",\"id\":\"end\"}");
      assertThat(bobs.next().path("type").asString()).isEqualTo("pong");
    }
  }

  /** Connects to an instance, waits for its {@code opened} event and writes the route. */
  private static TestSocket connectAndRoute(
      ConfigurableApplicationContext gateway, TestTokens.Identity identity, EventTap tap)
      throws Exception {
    TestSocket socket = TestSocket.connect(port(gateway), TestTokens.valid(identity));
    assertThat(socket.awaitOpen()).isTrue();
    socket.next("welcome");
    Map<String, Object> opened = tap.next("deviceId", identity.deviceId());
    assertThat(opened)
        .containsEntry("change", "opened")
        .containsEntry("instanceId", instanceId(gateway));
    // The table's marker, as presence keeps it: the routing table is complete (ADR 0008).
    gateway
        .getBean(ReactiveStringRedisTemplate.class)
        .opsForValue()
        .set(TestInfrastructure.get().redisPrefix("presence") + "table", "1")
        .block(Duration.ofSeconds(5));
    gateway
        .getBean(ReactiveStringRedisTemplate.class)
        .opsForHash()
        .put(
            TestInfrastructure.get().redisPrefix("presence") + "route:" + identity.userId(),
            identity.deviceId() + "/" + opened.get("socketId"),
            instanceId(gateway))
        .block(Duration.ofSeconds(5));
    return socket;
  }

  private static String frame(String kind, int n) {
    return "{\"type\":\"test\",\"kind\":\"" + kind + "\",\"n\":" + n + "}";
  }

  private static List<String> read(TestSocket socket, int count) throws InterruptedException {
    List<String> frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      JsonNode frame = socket.next("test");
      frames.add(frame.path("kind").asString() + ":" + frame.path("n").asInt());
    }
    return frames;
  }
}
