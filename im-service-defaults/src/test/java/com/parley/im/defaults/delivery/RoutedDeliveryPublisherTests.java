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

  @Test
  void aDeliveryExceptOneDeviceSkipsTheInstancesThatHoldOnlyThatDeviceAndKeepsItsFields() {
    // alice's phone on gw-1, laptop on gw-2, tablet on gw-2 too.
    Map<String, Map<String, Set<String>>> threeDevices =
        Map.of(
            "alice",
            devices("phone", Set.of("gw-1"), "laptop", Set.of("gw-2"), "tablet", Set.of("gw-2")));
    Delivery exceptPhone = Delivery.message("alice", "phone", "c-1", 7, "m7");
    Delivery exceptLaptop = Delivery.message("alice", "laptop", "c-1", 8, "m8");
    Delivery toAll = new Delivery("alice", null, "n1");

    List<DeliveryBatch> batches =
        RoutedDeliveryPublisher.batches(List.of(exceptPhone, exceptLaptop, toAll), threeDevices);

    // gw-2 gets exceptLaptop too (for the tablet) and skips the laptop itself.
    assertThat(batches)
        .containsExactly(
            new DeliveryBatch("gw-2", List.of(exceptPhone, exceptLaptop, toAll)),
            new DeliveryBatch("gw-1", List.of(exceptLaptop, toAll)));
    assertThat(batches.get(0).deliveries().get(1).exceptDeviceId()).isEqualTo("laptop");
    assertThat(batches.get(0).deliveries().get(1).seq()).isEqualTo(8);
  }

  @Test
  void aDeliveryExceptTheOnlyOnlineDeviceGoesNowhere() {
    Map<String, Map<String, Set<String>>> oneDevice =
        Map.of("alice", devices("phone", Set.of("gw-1")));
    assertThat(
            RoutedDeliveryPublisher.batches(
                List.of(Delivery.message("alice", "phone", "c-1", 1, "m1")), oneDevice))
        .isEmpty();
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
