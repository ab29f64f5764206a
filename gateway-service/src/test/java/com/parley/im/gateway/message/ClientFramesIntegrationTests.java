package com.parley.im.gateway.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import com.parley.im.testsupport.EventTap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code recv}, {@code read}, {@code typing} and {@code signal} frames are answered with nothing
 * and appear on {@code client-frames} as {@code ClientFrameReceived}, with the socket's user,
 * device and session and this instance's id, in the order the client sent them.
 */
class ClientFramesIntegrationTests extends GatewayIntegrationTest {

  @Autowired ConnectionFactory rabbit;
  @Autowired JsonMapper json;
  @Autowired GatewayProperties properties;

  @Test
  void recvReadTypingAndSignalGoToClientFramesWithTheirSocketsIdentity() throws Exception {
    EventTap tap = EventTap.open(rabbit, json, Destinations.CLIENT_FRAMES);
    TestTokens.Identity id = TestTokens.newIdentity();
    String[] frames = {
      "{\"type\":\"recv\",\"conversationId\":\"c-1\",\"seq\":3}",
      "{\"type\":\"read\",\"id\":\"r\",\"conversationId\":\"c-1\",\"seq\":2}",
      "{\"type\":\"typing\",\"conversationId\":\"c-1\"}",
      "{\"type\":\"signal\",\"toUserId\":\"u-2\",\"callId\":\"call-1\",\"payload\":{\"sdp\":\"v=0\"}}"
    };
    try (TestSocket socket = connect(id)) {
      socket.next("welcome");
      for (String frame : frames) {
        socket.send(frame);
      }
      // Nothing answers them: the next frame is the pong.
      socket.send("{\"type\":\"ping\",\"id\":\"after\"}");
      JsonNode pong = socket.next();
      assertThat(pong.path("type").asString()).isEqualTo("pong");
      assertThat(pong.path("id").asString()).isEqualTo("after");
    }

    String eventId = null;
    for (String sent : frames) {
      Map<String, Object> event = tap.next("deviceId", id.deviceId());
      assertThat(event)
          .containsEntry("userId", id.userId())
          .containsEntry("sessionId", id.sessionId())
          .containsEntry("instanceId", properties.instanceId())
          .containsKey("occurredAt");
      assertThat(event.get("eventId")).isNotNull().isNotEqualTo(eventId);
      eventId = (String) event.get("eventId");
      assertThat(json.readTree((String) event.get("frame"))).isEqualTo(json.readTree(sent));
    }
  }

  @Test
  void oneSocketsFramesLeaveInTheOrderSent() throws Exception {
    EventTap tap = EventTap.open(rabbit, json, Destinations.CLIENT_FRAMES);
    TestTokens.Identity id = TestTokens.newIdentity();
    try (TestSocket socket = connect(id)) {
      socket.next("welcome");
      for (int seq = 1; seq <= 50; seq++) {
        socket.send("{\"type\":\"recv\",\"conversationId\":\"c-2\",\"seq\":" + seq + "}");
      }
      for (int seq = 1; seq <= 50; seq++) {
        Map<String, Object> event = tap.next("deviceId", id.deviceId());
        assertThat(json.readTree((String) event.get("frame")).path("seq").asLong()).isEqualTo(seq);
      }
    }
  }
}
