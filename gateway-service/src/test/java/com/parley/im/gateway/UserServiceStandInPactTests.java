package com.parley.im.gateway;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.State;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import com.parley.im.testsupport.PactCredentials;
import java.net.URI;
import java.util.Map;
import org.apache.hc.core5.http.HttpRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The user-service stand-in of {@link FakeServices} (JWK set, ticket redemption), which the
 * gateway's integration tests talk to, held to the same checked-in pact as the real user-service
 * (ADR 0027).
 */
@Provider("user-service")
@PactFolder("../contracts/pacts")
class UserServiceStandInPactTests {

  @BeforeEach
  void target(PactVerificationContext context) {
    URI uri = URI.create(FakeServices.get().uri("user"));
    context.setTarget(new HttpTestTarget(uri.getHost(), uri.getPort()));
  }

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void theStandInAnswersAsUserServiceMust(PactVerificationContext context, HttpRequest request) {
    PactCredentials.verifyWithValidCredential(context, request);
  }

  @State("a ticket was issued for a device session")
  Map<String, Object> aTicketWasIssued() {
    return Map.of(
        "ticket",
        FakeServices.get().issueTicket(new TestTokens.Identity("u-alice", "browser", "s-1")));
  }
}
