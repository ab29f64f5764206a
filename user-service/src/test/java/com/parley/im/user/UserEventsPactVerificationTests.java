package com.parley.im.user;

import static com.parley.im.testsupport.pact.PactMessages.fromAmqp;

import au.com.dius.pact.provider.MessageAndMetadata;
import au.com.dius.pact.provider.PactVerifyProvider;
import au.com.dius.pact.provider.junit5.MessageTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import com.parley.im.events.Destinations;
import com.parley.im.testsupport.EventTap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.MediaType;

/**
 * user-service's side of the checked-in message contracts (ADR 0011): a registration and a new
 * display name over HTTP in the shared integration context, their events read off the broker as the
 * outbox relay published them.
 */
@Provider("user-service-events")
@PactFolder("../contracts/pacts")
class UserEventsPactVerificationTests extends IntegrationTestBase {

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void theMessageIsWhatTheConsumerExpects(PactVerificationContext context) {
    context.verifyInteraction();
  }

  @BeforeEach
  void target(PactVerificationContext context) {
    context.setTarget(new MessageTestTarget(List.of(getClass().getPackageName())));
  }

  @PactVerifyProvider("a UserRegistered event")
  MessageAndMetadata userRegistered() {
    EventTap tap = tap(Destinations.USER_REGISTERED);
    User user = register("pact");
    return fromAmqp(tap.nextMessage(e -> user.id().equals(e.get("userId")), user.id()));
  }

  @PactVerifyProvider("a UserUpdated event of a new display name")
  MessageAndMetadata userUpdated() {
    EventTap tap = tap(Destinations.USER_UPDATED);
    User user = register("pact");
    Tokens tokens = login(user.username(), "phone");
    http.patch()
        .uri("/api/users/me")
        .headers(h -> h.setBearerAuth(tokens.accessToken()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("displayName", "New Name"))
        .exchange()
        .expectStatus()
        .isOk();
    return fromAmqp(tap.nextMessage(e -> user.id().equals(e.get("userId")), user.id()));
  }
}
