package com.parley.im.message.relay;

import static com.parley.im.testsupport.pact.PactEvents.domainEvent;
import static com.parley.im.testsupport.pact.PactEvents.expects;
import static com.parley.im.testsupport.pact.PactEvents.pact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import au.com.dius.pact.consumer.MessagePactBuilder;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.consumer.junit5.ProviderType;
import au.com.dius.pact.core.model.PactSpecVersion;
import au.com.dius.pact.core.model.V4Interaction;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import com.parley.im.events.ClientFrameReceived;
import com.parley.im.testsupport.pact.BinderInput;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;

/**
 * message-service's contract with the client frames the gateways relay (ADR 0011): a {@code recv}
 * frame of a socket goes, in a batch, through the binder's input path to the real consumer and
 * reaches {@link ClientFrames} with its user, device and frame text.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(
    providerName = "gateway-service-events",
    providerType = ProviderType.ASYNCH,
    pactVersion = PactSpecVersion.V4)
class ClientFrameConsumerPactTests {

  private static final String USER = "5b2f7e0c-8a14-4d3b-9c6e-1f0a2b3c4d5e";
  private static final String FRAME =
      "{\"type\":\"recv\",\"conversationId\":\"d_3f8e1c2a-0d4b-4c55-9a1e-7b6f2d9c8e01\",\"seq\":3}";

  private final ClientFrames frames = mock(ClientFrames.class);

  @Pact(consumer = "message-service")
  V4Pact clientFrame(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a ClientFrameReceived event of a recv frame",
            domainEvent()
                .stringType("userId", USER)
                .stringType("deviceId", "phone")
                .stringMatcher("frame", "\\{.*\"type\":\"recv\".*\\}", FRAME)));
  }

  @Test
  @PactTestFor(pactMethod = "clientFrame")
  void aRelayedFrameReachesTheFrameHandler(List<V4Interaction.AsynchronousMessage> messages) {
    when(frames.handle(any())).thenReturn(Mono.empty());

    BinderInput.of(ClientFrameConsumer.class, "handleClientFrame", frames).acceptBatch(messages);

    @SuppressWarnings("unchecked")
    ArgumentCaptor<List<ClientFrameReceived>> batch = ArgumentCaptor.forClass(List.class);
    verify(frames).handle(batch.capture());
    assertThat(batch.getValue())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.userId()).isEqualTo(USER);
              assertThat(event.deviceId()).isEqualTo("phone");
              assertThat(event.frame()).isEqualTo(FRAME);
              assertThat(event.eventId()).isNotBlank();
            });
  }
}
