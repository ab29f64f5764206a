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
import java.util.UUID;
import org.apache.hc.core5.http.HttpRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link MessageServiceStandIn}, which the gateway's integration tests send to, held to the same
 * checked-in pact as the real message-service (ADR 0027): a stand-in that drifts from the contract
 * fails here, not by letting the gateway's tests pass against answers message-service never gives.
 * Its conversation ids steer it ({@code err-...} is not a member), so the states name such ids.
 */
@Provider("message-service")
@PactFolder("../contracts/pacts")
class MessageServiceStandInPactTests {

  @BeforeEach
  void target(PactVerificationContext context) {
    URI uri = URI.create(MessageServiceStandIn.get().uri());
    context.setTarget(new HttpTestTarget(uri.getHost(), uri.getPort()));
  }

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void theStandInAnswersAsMessageServiceMust(PactVerificationContext context, HttpRequest request) {
    PactCredentials.verifyWithValidCredential(context, request);
  }

  @State("the sender is a member of a direct conversation")
  Map<String, Object> aMember() {
    return Map.of("userId", "u-" + UUID.randomUUID(), "conversationId", "d_" + UUID.randomUUID());
  }

  @State("the sender is not a member of the conversation")
  Map<String, Object> notAMember() {
    return Map.of("userId", "u-" + UUID.randomUUID(), "conversationId", "err-" + UUID.randomUUID());
  }
}
