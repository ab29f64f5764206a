package com.parley.im.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SocketShutdownTests extends GatewayIntegrationTest {

  @Autowired SocketLifecycle lifecycle;
  @Autowired SessionRegistry registry;

  @Test
  void whenShutdownBeginsEverySocketIsClosedWith1001First() throws Exception {
    try (TestSocket socket = connect(TestTokens.newIdentity())) {
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
  }
}
