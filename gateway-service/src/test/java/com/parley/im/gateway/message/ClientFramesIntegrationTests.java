package com.parley.im.gateway.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import com.parley.im.testsupport.EventTap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code recv}, {@code read}, {@code typing} and {@code signal} frames are answered with nothing
 * and appear on {@code client-frames} as {@code ClientFrameReceived}, with the socket's user,
 * device and session and this instance's id (each once; not necessarily in the order sent).
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

    // Not necessarily in the order sent: see BrokerPublisher (ADR 0006 section 5 needs no order).
    Set<JsonNode> received = new HashSet<>();
    Set<String> eventIds = new HashSet<>();
    for (int i = 0; i < frames.length; i++) {
      Map<String, Object> event = tap.next("deviceId", id.deviceId());
      assertThat(event)
          .containsEntry("userId", id.userId())
          .containsEntry("sessionId", id.sessionId())
          .containsEntry("instanceId", properties.instanceId())
          .containsKey("occurredAt");
      assertThat(eventIds.add((String) event.get("eventId"))).isTrue();
      received.add(json.readTree((String) event.get("frame")));
    }
    Set<JsonNode> sent = new HashSet<>();
    for (String frame : frames) {
      sent.add(json.readTree(frame));
    }
    assertThat(received).isEqualTo(sent);
  }

  @Test
  void everyFrameOfABurstArrivesOnce() throws Exception {
    EventTap tap = EventTap.open(rabbit, json, Destinations.CLIENT_FRAMES);
    TestTokens.Identity id = TestTokens.newIdentity();
    try (TestSocket socket = connect(id)) {
      socket.next("welcome");
      for (int seq = 1; seq <= 50; seq++) {
        socket.send("{\"type\":\"recv\",\"conversationId\":\"c-2\",\"seq\":" + seq + "}");
      }
      List<Long> seqs = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Map<String, Object> event = tap.next("deviceId", id.deviceId());
        seqs.add(json.readTree((String) event.get("frame")).path("seq").asLong());
      }
      assertThat(seqs)
          .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
    }
  }
}
