package com.parley.im.defaults.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.DeliveryBatch;
import com.parley.im.events.DeliveryBatch.Delivery;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How {@link RoutedDeliveryPublisher} groups frames by gateway instance. The end-to-end path (Redis
 * routes, the exchange, two gateways) is covered by gateway-service's {@code
 * RoutedDeliveryIntegrationTests}.
 */
class RoutedDeliveryPublisherTests {

  // alice: phone on gw-1, laptop on gw-2 (two sockets); bob: tablet on gw-2; carol: offline.
  private final Map<String, Map<String, Set<String>>> routes =
      Map.of(
          "alice",
          devices("phone", Set.of("gw-1"), "laptop", Set.of("gw-2")),
          "bob",
          devices("tablet", Set.of("gw-2")),
          "carol",
          Map.of());

  @Test
  void eachInstanceGetsOneBatchWithOnlyItsFramesInCallOrder() {
    Delivery a1 = new Delivery("alice", null, "a1");
    Delivery b1 = new Delivery("bob", null, "b1");
    Delivery a2 = new Delivery("alice", "laptop", "a2");
    Delivery c1 = new Delivery("carol", null, "c1");
    Delivery a3 = new Delivery("alice", null, "a3");
    Delivery a4 = new Delivery("alice", "phone", "a4");

    List<DeliveryBatch> batches =
        RoutedDeliveryPublisher.batches(List.of(a1, b1, a2, c1, a3, a4), routes);

    assertThat(batches)
        .containsExactly(
            new DeliveryBatch("gw-1", List.of(a1, a3, a4)),
            new DeliveryBatch("gw-2", List.of(a1, b1, a2, a3)));
  }

  @Test
  void framesForOfflineUsersOrUnknownDevicesGoNowhere() {
    assertThat(
            RoutedDeliveryPublisher.batches(
                List.of(
                    new Delivery("carol", null, "c1"),
                    new Delivery("dave", null, "d1"),
                    new Delivery("alice", "watch", "a1")),
                routes))
        .isEmpty();
  }

  @Test
  void aDeviceWithTwoSocketsOnOneInstanceGetsTheFrameOnce() {
    Map<String, Map<String, Set<String>>> twoSockets =
        Map.of("alice", devices("phone", new LinkedHashSet<>(List.of("gw-1", "gw-1"))));
    Delivery a1 = new Delivery("alice", null, "a1");
    assertThat(RoutedDeliveryPublisher.batches(List.of(a1), twoSockets))
        .containsExactly(new DeliveryBatch("gw-1", List.of(a1)));
  }

  private static Map<String, Set<String>> devices(Object... pairs) {
    Map<String, Set<String>> devices = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      @SuppressWarnings("unchecked")
      Set<String> instances = (Set<String>) pairs[i + 1];
      devices.put((String) pairs[i], instances);
    }
    return devices;
  }
}
