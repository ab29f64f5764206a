package com.parley.im.user;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.State;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import com.parley.im.testsupport.PactCredentials;
import java.util.Map;
import org.apache.hc.core5.http.HttpRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * user-service's side of the checked-in HTTP pacts (ADR 0027): the gateway's ticket redemption and
 * JWK set, replayed against this service on its random port in the shared integration context. The
 * pact's credential is an example signed by no one; each request gets a valid one instead.
 */
@Provider("user-service")
@PactFolder("../contracts/pacts")
class UserServicePactVerificationTests extends IntegrationTestBase {

  @LocalServerPort int port;

  @BeforeEach
  void target(PactVerificationContext context) {
    context.setTarget(new HttpTestTarget("127.0.0.1", port));
  }

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void theServiceAnswersAsTheConsumerExpects(PactVerificationContext context, HttpRequest request) {
    PactCredentials.verifyWithValidCredential(context, request);
  }

  @State("a ticket was issued for a device session")
  Map<String, Object> aTicketWasIssued() {
    Tokens tokens = login(register("pact").username(), "browser");
    return Map.of("ticket", issueTicket(tokens).get("ticket"));
  }
}
