package com.parley.im.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.PactDslJsonBody;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import com.parley.im.gateway.ConsumerPacts;
import com.parley.im.testsupport.PactCredentials;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The gateway's pact with user-service's ticket redemption (ADR 0027): the real {@link
 * TicketRedeemer} against Pact's mock server. The ticket comes from the provider state, so that
 * user-service can issue a real one.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = "user-service")
class UserServiceTicketPactTests {

  private static final String PATH = "/internal/ws-tickets/redeem";
  private static final String TICKET = "tk-0123456789abcdef";
  private static final String UNKNOWN = "tk-unknown0123456789";

  @Pact(consumer = "gateway-service")
  V4Pact aTicketIsRedeemed(PactDslWithProvider builder) {
    return builder
        .given("a ticket was issued for a device session")
        .uponReceiving("the redemption of a ticket")
        .method("POST")
        .path(PATH)
        .matchHeader(PactCredentials.HEADER, PactCredentials.PATTERN, PactCredentials.EXAMPLE)
        .matchHeader("Content-Type", "application/json.*", "application/json")
        .body(new PactDslJsonBody().valueFromProviderState("ticket", "ticket", TICKET))
        .willRespondWith()
        .status(200)
        .body(
            new PactDslJsonBody()
                .stringType("userId", "u-alice")
                .stringType("deviceId", "browser")
                .stringType("sessionId", "s-1"))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = "gateway-service")
  V4Pact anUnknownTicketIsRefused(PactDslWithProvider builder) {
    return builder
        .uponReceiving("the redemption of a ticket nobody issued")
        .method("POST")
        .path(PATH)
        .matchHeader(PactCredentials.HEADER, PactCredentials.PATTERN, PactCredentials.EXAMPLE)
        .matchHeader("Content-Type", "application/json.*", "application/json")
        .body(new PactDslJsonBody().stringValue("ticket", UNKNOWN))
        .willRespondWith()
        .status(404)
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "aTicketIsRedeemed")
  void aRedeemedTicketNamesTheSocketsIdentity(MockServer userService) {
    SocketIdentity identity = redeemer(userService).redeem(TICKET).block(Duration.ofSeconds(10));

    assertThat(identity).isEqualTo(new SocketIdentity("u-alice", "browser", "s-1"));
  }

  @Test
  @PactTestFor(pactMethod = "anUnknownTicketIsRefused")
  void anUnknownTicketNamesNoOne(MockServer userService) {
    assertThat(redeemer(userService).redeem(UNKNOWN).blockOptional(Duration.ofSeconds(10)))
        .isEmpty();
  }

  private static TicketRedeemer redeemer(MockServer userService) {
    return new TicketRedeemer(
        WebClient.builder(),
        ConsumerPacts.breakers(),
        ConsumerPacts.properties("im.gateway.tickets.user-service-uri", userService.getUrl()),
        ConsumerPacts.serviceTokens());
  }
}
