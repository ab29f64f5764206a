package com.parley.im.presence.route;

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
import com.parley.im.events.GatewayLeaseRenewed;
import com.parley.im.events.SocketChanged;
import com.parley.im.testsupport.pact.BinderInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;

/**
 * presence-service's contract with the gateways' reports (ADR 0011): an opened socket and a renewed
 * lease go through the binder's input path to the real consumers and reach {@link SocketTracker}.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(
    providerName = "gateway-service-events",
    providerType = ProviderType.ASYNCH,
    pactVersion = PactSpecVersion.V4)
class SocketConsumersPactTests {

  private static final String INSTANCE = "gw-7f3a";
  private static final String USER = "5b2f7e0c-8a14-4d3b-9c6e-1f0a2b3c4d5e";

  private final SocketTracker tracker = mock(SocketTracker.class);

  @Pact(consumer = "presence-service")
  V4Pact socketOpened(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a SocketChanged event of an opened socket",
            domainEvent()
                .stringType("instanceId", INSTANCE)
                .stringType("userId", USER)
                .stringType("deviceId", "phone")
                .stringType("socketId", "s-1")
                .stringValue("change", SocketChanged.OPENED)));
  }

  @Pact(consumer = "presence-service")
  V4Pact leaseRenewed(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a GatewayLeaseRenewed event",
            domainEvent().stringType("instanceId", INSTANCE).integerType("leaseSeconds", 30)));
  }

  @Test
  @PactTestFor(pactMethod = "socketOpened")
  void anOpenedSocketIsTracked(V4Interaction.AsynchronousMessage message) {
    when(tracker.apply(any(SocketChanged.class))).thenReturn(Mono.empty());

    BinderInput.of(SocketConsumers.class, "trackSocket", tracker).accept(message);

    ArgumentCaptor<SocketChanged> event = ArgumentCaptor.forClass(SocketChanged.class);
    verify(tracker).apply(event.capture());
    assertThat(event.getValue())
        .extracting(
            SocketChanged::instanceId,
            SocketChanged::userId,
            SocketChanged::deviceId,
            SocketChanged::socketId,
            SocketChanged::change)
        .containsExactly(INSTANCE, USER, "phone", "s-1", SocketChanged.OPENED);
    assertThat(event.getValue().occurredAt()).isNotNull();
  }

  @Test
  @PactTestFor(pactMethod = "leaseRenewed")
  void aRenewedLeaseIsTracked(V4Interaction.AsynchronousMessage message) {
    when(tracker.apply(any(GatewayLeaseRenewed.class))).thenReturn(Mono.empty());

    BinderInput.of(SocketConsumers.class, "renewLease", tracker).accept(message);

    ArgumentCaptor<GatewayLeaseRenewed> event = ArgumentCaptor.forClass(GatewayLeaseRenewed.class);
    verify(tracker).apply(event.capture());
    assertThat(event.getValue().instanceId()).isEqualTo(INSTANCE);
    assertThat(event.getValue().leaseSeconds()).isEqualTo(30);
  }
}
