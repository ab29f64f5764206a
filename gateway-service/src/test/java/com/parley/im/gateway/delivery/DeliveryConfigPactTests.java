package com.parley.im.gateway.delivery;

import static com.parley.im.testsupport.pact.PactEvents.expects;
import static com.parley.im.testsupport.pact.PactEvents.pact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import au.com.dius.pact.consumer.MessagePactBuilder;
import au.com.dius.pact.consumer.dsl.PactDslJsonBody;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.consumer.junit5.ProviderType;
import au.com.dius.pact.core.model.PactSpecVersion;
import au.com.dius.pact.core.model.V4Interaction;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import com.parley.im.events.DeliveryBatch;
import com.parley.im.testsupport.pact.BinderInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;

/**
 * The gateway's contract with the delivery batches message-service publishes to its instance queue
 * (ADR 0011): a batch with a redelivered {@code message} frame goes through the binder's input path
 * to the real consumer and reaches {@link DeliveryRouter} as that batch.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(
    providerName = "message-service-events",
    providerType = ProviderType.ASYNCH,
    pactVersion = PactSpecVersion.V4)
class DeliveryConfigPactTests {

  private static final String INSTANCE = "gw-7f3a";
  private static final String USER = "5b2f7e0c-8a14-4d3b-9c6e-1f0a2b3c4d5e";
  private static final String CONVERSATION = "d_3f8e1c2a-0d4b-4c55-9a1e-7b6f2d9c8e01";
  private static final String FRAME = "{\"type\":\"message\",\"seq\":1}";

  private final DeliveryRouter router = mock(DeliveryRouter.class);

  @Pact(consumer = "gateway-service")
  V4Pact messageDelivery(MessagePactBuilder builder) {
    PactDslJsonBody batch =
        new PactDslJsonBody()
            .stringType("instanceId", INSTANCE)
            .minArrayLike("deliveries", 1)
            .stringType("userId", USER)
            .stringType("conversationId", CONVERSATION)
            .integerType("seq", 1)
            .stringType("frame", FRAME)
            .closeObject()
            .closeArray()
            .asBody();
    return pact(expects(builder, "a DeliveryBatch of a message frame", batch));
  }

  @Test
  @PactTestFor(pactMethod = "messageDelivery")
  void aBatchReachesTheRouterWithItsRedeliveredMessageFrame(
      V4Interaction.AsynchronousMessage message) {
    BinderInput.of(DeliveryConfig.class, "routeDelivery", router).accept(message);

    ArgumentCaptor<DeliveryBatch> batch = ArgumentCaptor.forClass(DeliveryBatch.class);
    verify(router).route(batch.capture());
    assertThat(batch.getValue().instanceId()).isEqualTo(INSTANCE);
    assertThat(batch.getValue().deliveries())
        .singleElement()
        .satisfies(
            delivery -> {
              assertThat(delivery.userId()).isEqualTo(USER);
              assertThat(delivery.redelivered()).isTrue();
              assertThat(delivery.conversationId()).isEqualTo(CONVERSATION);
              assertThat(delivery.seq()).isEqualTo(1);
              assertThat(delivery.frame()).isEqualTo(FRAME);
            });
  }
}
