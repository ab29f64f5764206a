package com.parley.im.message.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.defaults.delivery.RoutedDeliveryPublisher;
import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Pushes while presence's routing table is lost (ADR 0008), through the real relay, fan-out and
 * {@link RoutedDeliveryPublisher}. The "flush" deletes only this run's presence keys (the route
 * hashes and the table's marker under the test prefix), never anything else in the shared Redis.
 */
class RoutingTableLossIntegrationTests extends MessagingIntegrationTestBase {

  @Autowired RoutedDeliveryPublisher publisher;

  @AfterEach
  void tableComplete() {
    redisTemplate().opsForValue().set(presencePrefix() + "table", "1");
    redisTemplate().delete(presencePrefix() + "table-rebuilding");
  }

  @Test
  void messagesStoredWhileTheTableIsLostArePushedInOrderOnceTheRouteIsBack() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    FakeGateway gateway = gateway();
    online(b, "phone", gateway);
    send(a, direct, "before");
    awaitTrue(() -> gateway.frames(b.id(), "phone").size() == 1);

    lose(b);
    for (int i = 1; i <= 5; i++) {
      send(a, direct, "lost-" + i);
    }
    awaitTrue(() -> publisher.parked() >= 5);
    assertThat(gateway.frames(b.id(), "phone")).hasSize(1);

    // The gateway reports its socket again; presence marks the table complete once rebuilt.
    redisTemplate()
        .opsForHash()
        .put(presencePrefix() + "route:" + b.id(), "phone/s-phone", gateway.instanceId);
    awaitTrue(() -> gateway.frames(b.id(), "phone").size() == 6);
    assertThat(gateway.frames(b.id(), "phone"))
        .extracting(f -> ((Number) f.get("seq")).longValue())
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);

    redisTemplate().opsForValue().set(presencePrefix() + "table", "1");
    awaitTrue(() -> publisher.parked() == 0);
    // Retired from the parking without being published a second time.
    assertThat(gateway.frames(b.id(), "phone")).hasSize(6);
  }

  @Test
  void whileTheTableIsRebuildingAFrameReachesEachDeviceAsItsGatewayReportsBack() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    FakeGateway one = gateway();
    FakeGateway two = gateway();
    online(b, "phone", one);
    online(b, "laptop", two);
    lose(b);
    redisTemplate().opsForValue().set(presencePrefix() + "table", "1");
    redisTemplate().opsForValue().set(presencePrefix() + "table-rebuilding", "1");

    send(a, direct, "during the rebuild");
    redisTemplate()
        .opsForHash()
        .put(presencePrefix() + "route:" + b.id(), "phone/s-phone", one.instanceId);
    awaitTrue(() -> one.frames(b.id(), "phone").size() == 1);
    assertThat(two.frames(b.id(), "laptop")).isEmpty();
    redisTemplate()
        .opsForHash()
        .put(presencePrefix() + "route:" + b.id(), "laptop/s-laptop", two.instanceId);
    awaitTrue(() -> two.frames(b.id(), "laptop").size() == 1);

    redisTemplate().delete(presencePrefix() + "table-rebuilding");
    awaitTrue(() -> publisher.parked() == 0);
    assertThat(one.frames(b.id(), "phone")).hasSize(1);
  }

  @Test
  void withTheTableCompleteAnOfflineUsersPushIsNotKept() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    FakeGateway gateway = gateway();
    online(a, "laptop", gateway); // the marker is set; b has no socket
    int before = publisher.parked();
    send(a, direct, "nobody home");
    awaitTrue(() -> gateway.frames(a.id(), "laptop").size() == 1);
    assertThat(publisher.parked()).isEqualTo(before).isZero();
  }

  /** As a FLUSHALL would, for this run's keys only: b's route and the table's marker. */
  private void lose(User b) {
    redisTemplate()
        .delete(Set.of(presencePrefix() + "route:" + b.id(), presencePrefix() + "table"));
  }

  private void send(User from, String conversation, String text) {
    sendText(from.token(), conversation, text + "-" + System.nanoTime(), text);
  }
}
