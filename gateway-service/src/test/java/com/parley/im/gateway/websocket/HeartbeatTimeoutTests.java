package com.parley.im.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import com.parley.im.testsupport.EventTap;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * With a 200 ms heartbeat a socket is closed (4000) about 500 ms after the client's last frame, and
 * not while pings flow. The only tests with a context of their own: the interval is fixed per
 * instance.
 */
@TestPropertySource(properties = "im.gateway.websocket.heartbeat-interval=200ms")
class HeartbeatTimeoutTests extends GatewayIntegrationTest {

  @Test
  void aSilentClientIsClosedAfterTwoAndAHalfIntervalsButNotWhilePingsFlow() throws Exception {
    try (TestSocket socket = connect(TestTokens.newIdentity())) {
      assertThat(socket.next("welcome").path("heartbeatIntervalMs").asLong()).isEqualTo(200L);
      // 1.5 s of pings every 100 ms: six timeouts' worth of time, and still open.
      Flux.interval(Duration.ofMillis(100))
          .take(15)
          .doOnNext(i -> socket.send("{\"type\":\"ping\",\"id\":\"hb" + i + "\"}"))
          .blockLast(Duration.ofSeconds(10));
      long lastFrame = System.nanoTime();
      assertThat(socket.isClosed()).isFalse();

      WebSocketCloseStatus status = socket.awaitClose(Duration.ofSeconds(5));
      long silentMillis = Duration.ofNanos(System.nanoTime() - lastFrame).toMillis();

      assertThat(status.code()).isEqualTo(4000);
      assertThat(status.reasonText()).isEqualTo("heartbeat timeout");
      assertThat(silentMillis).isBetween(450L, 3_000L);
    }
  }

  @Test
  void aClientThatNeverSendsAFrameIsClosedToo() throws Exception {
    EventTap tap = EventTap.open(rabbit, json, Destinations.SOCKET_CHANGED);
    TestTokens.Identity id = TestTokens.newIdentity();
    try (TestSocket socket = connect(id)) {
      socket.next("welcome");
      assertThat(socket.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(4000);
    }
    assertThat(tap.next("deviceId", id.deviceId())).containsEntry("change", "opened");
    assertThat(tap.next("deviceId", id.deviceId()))
        .containsEntry("change", "closed")
        .containsEntry("reason", "heartbeat_timeout");
  }

  @Autowired ConnectionFactory rabbit;
  @Autowired JsonMapper json;
}
