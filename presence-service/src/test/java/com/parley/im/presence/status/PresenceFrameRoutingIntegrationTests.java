package com.parley.im.presence.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.DeliveryBatch;
import com.parley.im.events.Destinations;
import com.parley.im.presence.IntegrationTestBase;
import com.parley.im.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * A {@code presence} frame leaves through the real routed publisher (ADR 0005) to the queue of the
 * gateway instance that holds the friend's socket: presence's route keys and the publisher agree.
 */
class PresenceFrameRoutingIntegrationTests extends IntegrationTestBase {

  @Test
  void aFriendsPresenceFrameReachesTheQueueOfTheInstanceHoldingTheirSocket() {
    User me = user();
    User friend = user();
    befriend(me, friend);
    String friendsGateway = gateway(60);
    String otherGateway = gateway(60);
    Queue friendsQueue = gatewayQueue(friendsGateway);
    Queue otherQueue = gatewayQueue(otherGateway);
    opened(friendsGateway, friend, "phone", "f1");
    awaitSocketEventsApplied();

    opened(otherGateway, me, "laptop", "l1");

    RabbitTemplate template = new RabbitTemplate(rabbit);
    Message message = template.receive(friendsQueue.getName(), 15_000);
    assertThat(message).as("a batch for the friend's instance").isNotNull();
    DeliveryBatch batch =
        json.readValue(new String(message.getBody(), StandardCharsets.UTF_8), DeliveryBatch.class);
    assertThat(batch.instanceId()).isEqualTo(friendsGateway);
    assertThat(batch.deliveries())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.userId()).isEqualTo(friend.id());
              Map<?, ?> frame = json.readValue(d.frame(), Map.class);
              assertThat(frame.get("type")).isEqualTo("presence");
              assertThat(frame.get("userId")).isEqualTo(me.id());
              assertThat(frame.get("online")).isEqualTo(true);
            });
    assertThat(template.receive(otherQueue.getName(), 500))
        .as("nothing for an instance without the friend's sockets")
        .isNull();
  }

  /** A queue bound as a gateway instance's own (direct exchange, routing key = instance id). */
  private Queue gatewayQueue(String instanceId) {
    RabbitAdmin admin = new RabbitAdmin(rabbit);
    DirectExchange exchange =
        new DirectExchange(
            TestInfrastructure.get().brokerPrefix() + Destinations.GATEWAY_DELIVERIES, true, false);
    admin.declareExchange(exchange);
    Queue queue =
        QueueBuilder.nonDurable(
                TestInfrastructure.get().brokerPrefix() + "gw-test." + UUID.randomUUID())
            .expires(120_000)
            .build();
    admin.declareQueue(queue);
    admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with(instanceId));
    return queue;
  }
}
