package com.parley.im.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import com.parley.im.testsupport.EventTap;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

class SocketShutdownTests extends GatewayIntegrationTest {

  @Autowired SocketLifecycle lifecycle;
  @Autowired SessionRegistry registry;
  @Autowired ConnectionFactory rabbit;
  @Autowired JsonMapper json;

  @Test
  void whenShutdownBeginsEverySocketIsClosedWith1001First() throws Exception {
    EventTap tap = EventTap.open(rabbit, json, Destinations.SOCKET_CHANGED);
    TestTokens.Identity id = TestTokens.newIdentity();
    try (TestSocket socket = connect(id)) {
      socket.next("welcome");
      CompletableFuture<Void> stopped = new CompletableFuture<>();
      try {
        lifecycle.stop(() -> stopped.complete(null));
        assertThat(socket.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1001);
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(registry.size()).isZero();
      } finally {
        lifecycle.start();
      }
    }
    assertThat(tap.next("deviceId", id.deviceId())).containsEntry("change", "opened");
    assertThat(tap.next("deviceId", id.deviceId()))
        .containsEntry("change", "closed")
        .containsEntry("reason", "shutdown");
  }
}
