package com.parley.im.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.events.RoutingTableLost;
import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import com.parley.im.testsupport.EventTap;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/** The gateway reports its sockets and renews its lease (ADR 0005). */
class SocketReporterTests extends GatewayIntegrationTest {

  @Autowired ConnectionFactory rabbit;
  @Autowired JsonMapper json;
  @Autowired GatewayProperties properties;

  @Test
  void aSocketIsReportedOpenedThenClosedByTheClient() throws Exception {
    EventTap tap = EventTap.open(rabbit, json, Destinations.SOCKET_CHANGED);
    TestTokens.Identity id = TestTokens.newIdentity();
    String socketId;
    try (TestSocket socket = connect(id)) {
      socket.next("welcome");
      Map<String, Object> opened = tap.next("deviceId", id.deviceId());
      assertThat(opened)
          .containsEntry("change", "opened")
          .containsEntry("instanceId", properties.instanceId())
          .containsEntry("userId", id.userId())
          .containsEntry("sessionId", id.sessionId())
          .containsKey("eventId")
          .containsKey("occurredAt");
      assertThat(opened.get("reason")).isNull();
      socketId = (String) opened.get("socketId");
      assertThat(socketId).isNotBlank();
    }
    Map<String, Object> closed = tap.next("deviceId", id.deviceId());
    assertThat(closed)
        .containsEntry("change", "closed")
        .containsEntry("reason", "client")
        .containsEntry("socketId", socketId)
        .containsEntry("instanceId", properties.instanceId());
  }

  @Test
  void theLeaseIsRenewedPeriodically() {
    EventTap tap = EventTap.open(rabbit, json, Destinations.GATEWAY_LEASE_RENEWED);
    long start = System.nanoTime();
    Map<String, Object> first = tap.next("instanceId", properties.instanceId());
    Map<String, Object> second = tap.next("instanceId", properties.instanceId());
    assertThat(first.get("leaseSeconds")).isEqualTo(15);
    assertThat(second.get("eventId")).isNotEqualTo(first.get("eventId"));
    // Every second in these tests: two renewals well within 5 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  /**
   * presence lost its routes (ADR 0008): asked for every instance, or for this one, the gateway
   * reports each open socket opened again (same socket id, new event id); a request for another
   * instance is ignored.
   */
  @Test
  void openSocketsAreReportedAgainWhenPresenceLostItsRoutes() throws Exception {
    EventTap tap = EventTap.open(rabbit, json, Destinations.SOCKET_CHANGED);
    TestTokens.Identity id = TestTokens.newIdentity();
    try (TestSocket socket = connect(id)) {
      socket.next("welcome");
      Map<String, Object> first = tap.next("deviceId", id.deviceId());

      EventTap.publish(
          rabbit,
          json,
          Destinations.ROUTING_TABLE_LOST,
          new RoutingTableLost(UUID.randomUUID().toString(), Instant.now(), "gw-someone-else"));
      EventTap.publish(
          rabbit,
          json,
          Destinations.ROUTING_TABLE_LOST,
          new RoutingTableLost(UUID.randomUUID().toString(), Instant.now(), null));
      Map<String, Object> again = tap.next("deviceId", id.deviceId());
      assertThat(again)
          .containsEntry("change", "opened")
          .containsEntry("socketId", first.get("socketId"))
          .containsEntry("instanceId", properties.instanceId());
      assertThat(again.get("eventId")).isNotEqualTo(first.get("eventId"));

      EventTap.publish(
          rabbit,
          json,
          Destinations.ROUTING_TABLE_LOST,
          new RoutingTableLost(
              UUID.randomUUID().toString(), Instant.now(), properties.instanceId()));
      assertThat(tap.next("deviceId", id.deviceId()))
          .containsEntry("change", "opened")
          .containsEntry("socketId", first.get("socketId"));
    }
    assertThat(tap.next("deviceId", id.deviceId())).containsEntry("change", "closed");
  }
}
