package com.parley.im.message.send;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.State;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import com.parley.im.testsupport.PactCredentials;
import java.util.Map;
import org.apache.hc.core5.http.HttpRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * message-service's side of the checked-in HTTP pacts (ADR 0027): the gateway's internal send,
 * replayed against this service on its random port in the shared integration context. The sender
 * and the conversation of each provider state are real (users made friends through the friendship
 * consumer); the pact's credential is an example signed by no one, so each request gets a valid
 * one.
 */
@Provider("message-service")
@PactFolder("../contracts/pacts")
class MessageServicePactVerificationTests extends MessagingIntegrationTestBase {

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

  @State("the sender is a member of a direct conversation")
  Map<String, Object> aMember() {
    User sender = user();
    return Map.of("userId", sender.id(), "conversationId", befriend(sender, user()));
  }

  @State("the sender is not a member of the conversation")
  Map<String, Object> notAMember() {
    return Map.of("userId", user().id(), "conversationId", befriend(user(), user()));
  }
}
