package com.parley.im.gateway;

import com.parley.im.testsupport.TestInfrastructure;
import com.parley.im.testsupport.TestServiceTokens;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The one Spring context of the gateway's integration tests (real Redis and RabbitMQ, isolated per
 * run; fake services on random ports, and {@link MessageServiceStandIn} for the send path;
 * redelivery after 500 ms). Test classes extend this and add no configuration, so the context is
 * started once (the heartbeat tests, which need a short interval, are the exception).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "im.gateway.rate-limit.replenish-rate=5",
      "im.gateway.rate-limit.burst-capacity=10",
      "im.gateway.upstream.timeout=5s",
      "im.gateway.websocket.shutdown-timeout=2s",
      "im.gateway.presence.lease-renewal-interval=1s",
      "im.gateway.websocket.redelivery-interval=500ms",
      // No presence-service here to route sockets: welcome goes at once (RouteWatchTests).
      "im.gateway.presence.welcome-route-wait=0s"
    })
public abstract class GatewayIntegrationTest {

  protected static final FakeServices SERVICES = FakeServices.get();
  protected static final MessageServiceStandIn MESSAGES = MessageServiceStandIn.get();

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerRedis(registry, "gateway");
    TestInfrastructure.get().registerRabbit(registry);
    TestServiceTokens.register(registry);
    registry.add(
        "im.delivery.presence-key-prefix", () -> TestInfrastructure.get().redisPrefix("presence"));
    registry.add("im.gateway.tokens.jwks-uri", () -> SERVICES.uri("user") + "/api/auth/jwks");
    registry.add("im.gateway.tickets.user-service-uri", () -> SERVICES.uri("user"));
    registry.add("IM_USER_URI", () -> SERVICES.uri("user"));
    registry.add("IM_RELATION_URI", () -> SERVICES.uri("relation"));
    registry.add("IM_MESSAGE_URI", () -> SERVICES.uri("message"));
    // The send path's own stand-in (the routes keep the echoing one).
    registry.add("im.gateway.send.message-service-uri", MESSAGES::uri);
    registry.add("IM_PRESENCE_URI", () -> SERVICES.uri("presence"));
    registry.add("IM_UNREAD_URI", () -> SERVICES.uri("unread"));
    // Nothing listens on port 1: media-service is "down" in these tests.
    registry.add("IM_MEDIA_URI", () -> "http://127.0.0.1:1");
    registry.add("im.gateway.web.root", () -> TestWebApp.root().toString());
  }

  @LocalServerPort protected int port;

  /**
   * Bound to 127.0.0.1: resolving "localhost" through Netty's DNS resolver stalled on this host.
   */
  protected WebTestClient http;

  @BeforeEach
  void bindClient() {
    http =
        WebTestClient.bindToServer()
            .baseUrl("http://127.0.0.1:" + port)
            .responseTimeout(Duration.ofSeconds(20))
            .build();
  }

  protected TestSocket connect(TestTokens.Identity identity) throws Exception {
    TestSocket socket = TestSocket.connect(port, TestTokens.valid(identity));
    if (!socket.awaitOpen()) {
      throw new AssertionError("handshake refused", socket.awaitFailure());
    }
    return socket;
  }
}
