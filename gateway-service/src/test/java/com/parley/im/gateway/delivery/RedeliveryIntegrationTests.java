package com.parley.im.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.DeliveryBatch;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.events.Destinations;
import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import com.parley.im.gateway.session.ClientSession;
import com.parley.im.gateway.session.SessionRegistry;
import com.parley.im.testsupport.TestInfrastructure;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Redelivery and {@code exceptDeviceId} through the real broker path: a {@link DeliveryBatch} on
 * this instance's queue (as {@code RoutedDeliveryPublisher} sends it), then the sockets. The shared
 * test context redelivers after 500 ms.
 */
class RedeliveryIntegrationTests extends GatewayIntegrationTest {

  @Autowired ConnectionFactory rabbit;
  @Autowired JsonMapper json;
  @Autowired GatewayProperties properties;
  @Autowired SessionRegistry registry;

  @Test
  void aMessageNotCoveredByRecvComesAgainOneCoveredDoesNotAndTheSendingDeviceGetsNone()
      throws Exception {
    TestTokens.Identity phone = TestTokens.newIdentity();
    TestTokens.Identity laptop = sameUser(phone, "laptop");
    TestTokens.Identity tablet = sameUser(phone, "tablet");
    String conversation = "c-" + UUID.randomUUID();
    try (TestSocket phones = connect(phone);
        TestSocket laptops = connect(laptop);
        TestSocket tablets = connect(tablet)) {
      phones.next("welcome");
      laptops.next("welcome");
      tablets.next("welcome");

      // The phone sent seqs 1 and 2 (it has the acks); a notice for all devices follows.
      publish(
          Delivery.message(
              phone.userId(), phone.deviceId(), conversation, 1, message(conversation, 1)),
          Delivery.message(
              phone.userId(), phone.deviceId(), conversation, 2, message(conversation, 2)),
          new Delivery(phone.userId(), null, "{\"type\":\"test\",\"n\":1}"));

      for (TestSocket socket : List.of(laptops, tablets)) {
        assertThat(socket.next().path("seq").asLong()).isEqualTo(1);
        assertThat(socket.next().path("seq").asLong()).isEqualTo(2);
        assertThat(socket.next().path("type").asString()).isEqualTo("test");
      }
      // The phone got only the notice.
      assertThat(phones.next().path("type").asString()).isEqualTo("test");

      // The laptop has both, the tablet only seq 1. Each ping's pong proves its recv was handled.
      laptops.send(recv(conversation, 2));
      tablets.send(recv(conversation, 1));
      laptops.send("{\"type\":\"ping\",\"id\":\"l\"}");
      tablets.send("{\"type\":\"ping\",\"id\":\"t\"}");
      // (On a slow machine a redelivery may come before the recv was handled.)
      assertThat(pongAfterRedeliveries(laptops).path("id").asString()).isEqualTo("l");
      assertThat(pongAfterRedeliveries(tablets).path("id").asString()).isEqualTo("t");
      assertThat(pending(laptop)).isZero();
      assertThat(pending(tablet)).isEqualTo(1);

      // The tablet gets seq 2 again, after the interval, and again after another one.
      JsonNode again = tablets.next();
      assertThat(again.path("type").asString()).isEqualTo("message");
      assertThat(again.path("seq").asLong()).isEqualTo(2);
      assertThat(tablets.next().path("seq").asLong()).isEqualTo(2);
      tablets.send(recv(conversation, 2));
      tablets.send("{\"type\":\"ping\",\"id\":\"t2\"}");
      // Another redelivery may have been on its way before the recv; then nothing but the pong.
      assertThat(pongAfterRedeliveries(tablets).path("id").asString()).isEqualTo("t2");
      assertThat(pending(tablet)).isZero();

      // By now the laptop and the phone would have had theirs twice: they got nothing.
      laptops.send("{\"type\":\"ping\",\"id\":\"l2\"}");
      assertThat(laptops.next().path("id").asString()).isEqualTo("l2");
      phones.send("{\"type\":\"ping\",\"id\":\"p2\"}");
      assertThat(phones.next().path("id").asString()).isEqualTo("p2");
      assertThat(pending(phone)).isZero();
    }
  }

  @Test
  void aFrameWithoutASeqIsNotKeptAMessageIs() throws Exception {
    TestTokens.Identity phone = TestTokens.newIdentity();
    String conversation = "c-" + UUID.randomUUID();
    try (TestSocket phones = connect(phone)) {
      phones.next("welcome");
      publish(
          new Delivery(phone.userId(), phone.deviceId(), "{\"type\":\"test\",\"n\":2}"),
          Delivery.message(phone.userId(), null, conversation, 7, message(conversation, 7)));
      assertThat(phones.next().path("type").asString()).isEqualTo("test");
      assertThat(phones.next().path("seq").asLong()).isEqualTo(7);
      assertThat(pending(phone)).isEqualTo(1);
    }
  }

  /** The next frame that is not a redelivered message; fails on anything else. */
  private static JsonNode pongAfterRedeliveries(TestSocket socket) throws InterruptedException {
    JsonNode next = socket.next();
    while (next.path("type").asString().equals("message")) {
      next = socket.next();
    }
    assertThat(next.path("type").asString()).isEqualTo("pong");
    return next;
  }

  private static TestTokens.Identity sameUser(TestTokens.Identity first, String device) {
    return new TestTokens.Identity(
        first.userId(), first.deviceId() + "-" + device, first.sessionId() + "-" + device);
  }

  private int pending(TestTokens.Identity identity) {
    return registry.sessionsOf(identity.userId(), identity.deviceId()).stream()
        .mapToInt(ClientSession::pendingFrames)
        .sum();
  }

  /** As RoutedDeliveryPublisher does: to the direct exchange, routing key = this instance. */
  private void publish(Delivery... deliveries) {
    DeliveryBatch batch = new DeliveryBatch(properties.instanceId(), List.of(deliveries));
    MessageProperties headers = new MessageProperties();
    headers.setContentType(MessageProperties.CONTENT_TYPE_JSON);
    new RabbitTemplate(rabbit)
        .send(
            TestInfrastructure.get().brokerPrefix() + Destinations.GATEWAY_DELIVERIES,
            properties.instanceId(),
            new Message(json.writeValueAsBytes(batch), headers));
  }

  private static String message(String conversation, long seq) {
    return "{\"type\":\"message\",\"messageId\":\"m-"
        + seq
        + "\",\"conversationId\":\""
        + conversation
        + "\",\"seq\":"
        + seq
        + ",\"kind\":\"text\",\"body\":{\"text\":\"hi\"}}";
  }

  private static String recv(String conversation, long seq) {
    return "{\"type\":\"recv\",\"conversationId\":\"" + conversation + "\",\"seq\":" + seq + "}";
  }
}
