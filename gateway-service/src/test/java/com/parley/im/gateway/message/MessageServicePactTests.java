package com.parley.im.gateway.message;

import static org.assertj.core.api.Assertions.assertThat;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.PactDslJsonBody;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import com.parley.im.gateway.ConsumerPacts;
import com.parley.im.protocol.InternalSend;
import com.parley.im.protocol.InternalSendRequest;
import com.parley.im.protocol.InternalSendResult;
import com.parley.im.testsupport.PactCredentials;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's pact with message-service's internal send (ADR 0006 §1, ADR 0027): the real {@link
 * MessageSendClient} against Pact's mock server. The sender and the conversation come from the
 * provider state, so that message-service can make them real.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = "message-service")
class MessageServicePactTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String USER = "u-alice";
  private static final String CONVERSATION = "d_u-alice_u-bob";
  private static final String INSTANT = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";

  private static PactDslJsonBody sendsOf(String clientMsgId) {
    return (PactDslJsonBody)
        new PactDslJsonBody()
            .minArrayLike("sends", 1)
            .valueFromProviderState("userId", "userId", USER)
            .stringType("deviceId", "phone")
            .stringValue("clientMsgId", clientMsgId)
            .valueFromProviderState("conversationId", "conversationId", CONVERSATION)
            .stringValue("kind", "text")
            .object("body")
            .stringType("text", "hello")
            .closeObject()
            .closeObject()
            .closeArray();
  }

  @Pact(consumer = "gateway-service")
  V4Pact aSendIsStored(PactDslWithProvider builder) {
    return builder
        .given("the sender is a member of a direct conversation")
        .uponReceiving("a send in a conversation of the sender")
        .method("POST")
        .path(InternalSendRequest.PATH)
        .matchHeader(PactCredentials.HEADER, PactCredentials.PATTERN, PactCredentials.EXAMPLE)
        .matchHeader("Content-Type", "application/json.*", "application/json")
        .body(sendsOf("c-1"))
        .willRespondWith()
        .status(200)
        .matchHeader("Content-Type", "application/json.*", "application/json")
        .body(
            new PactDslJsonBody()
                .minArrayLike("results", 1)
                .stringValue("status", "ok")
                .stringType("messageId", "m-1")
                .valueFromProviderState("conversationId", "conversationId", CONVERSATION)
                .integerType("seq", 1L)
                .stringMatcher("createdAt", INSTANT, "2026-01-02T03:04:05.678Z")
                .closeObject()
                .closeArray())
        .toPact(V4Pact.class);
  }

  @Pact(consumer = "gateway-service")
  V4Pact aSendOfANonMemberIsRefused(PactDslWithProvider builder) {
    return builder
        .given("the sender is not a member of the conversation")
        .uponReceiving("a send in a conversation the sender is not a member of")
        .method("POST")
        .path(InternalSendRequest.PATH)
        .matchHeader(PactCredentials.HEADER, PactCredentials.PATTERN, PactCredentials.EXAMPLE)
        .matchHeader("Content-Type", "application/json.*", "application/json")
        .body(sendsOf("c-2"))
        .willRespondWith()
        .status(200)
        .body(
            new PactDslJsonBody()
                .minArrayLike("results", 1)
                .stringValue("status", "error")
                .stringValue("code", "not_member")
                .stringType("message", "You are not a member of this conversation.")
                .closeObject()
                .closeArray())
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "aSendIsStored")
  void aStoredSendIsAnAck(MockServer messageService) {
    InternalSendResult result =
        client(messageService).send(send("c-1")).block(Duration.ofSeconds(10));

    assertThat(result.isOk()).as("%s", result).isTrue();
    assertThat(result.messageId()).isEqualTo("m-1");
    assertThat(result.conversationId()).isEqualTo(CONVERSATION);
    assertThat(result.seq()).isEqualTo(1L);
    assertThat(result.createdAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05.678Z"));
  }

  @Test
  @PactTestFor(pactMethod = "aSendOfANonMemberIsRefused")
  void aRefusedSendKeepsItsCode(MockServer messageService) {
    InternalSendResult result =
        client(messageService).send(send("c-2")).block(Duration.ofSeconds(10));

    assertThat(result.isOk()).isFalse();
    assertThat(result.code()).isEqualTo("not_member");
    assertThat(result.message()).isEqualTo("You are not a member of this conversation.");
  }

  private static InternalSend send(String clientMsgId) {
    return new InternalSend(
        USER,
        "phone",
        clientMsgId,
        CONVERSATION,
        "text",
        JSON.readTree("{\"text\":\"hello\"}"),
        null);
  }

  private static MessageSendClient client(MockServer messageService) {
    return new MessageSendClient(
        WebClient.builder(),
        ConsumerPacts.breakers(),
        JSON,
        ConsumerPacts.properties("im.gateway.send.message-service-uri", messageService.getUrl()),
        new DefaultListableBeanFactory().getBeanProvider(MeterRegistry.class),
        ConsumerPacts.serviceTokens());
  }
}
