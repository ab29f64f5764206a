package com.parley.im.message.relay;

import static com.parley.im.testsupport.pact.PactMessages.fromAmqp;

import au.com.dius.pact.provider.MessageAndMetadata;
import au.com.dius.pact.provider.PactVerifyProvider;
import au.com.dius.pact.provider.junit5.MessageTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.Destinations;
import com.parley.im.events.MessageStored;
import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/**
 * message-service's side of the checked-in message contracts (ADR 0011): each message a consumer
 * expects is made by the real service in the shared integration context (a send over HTTP, a read
 * position, a new friendship) and read off the broker as the outbox relay or the routed delivery
 * published it, so the body is the production serialisation and the metadata the production
 * headers. One exception: no media-service runs here, so the media message's event is a record
 * appended to the real outbox (real serialisation, relay and publisher, made-up values).
 */
@Provider("message-service-events")
@PactFolder("../contracts/pacts")
class MessageEventsPactVerificationTests extends MessagingIntegrationTestBase {

  @Autowired Outbox outbox;

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void theMessageIsWhatTheConsumerExpects(PactVerificationContext context) {
    context.verifyInteraction();
  }

  @BeforeEach
  void target(PactVerificationContext context) {
    context.setTarget(new MessageTestTarget(List.of(getClass().getPackageName())));
  }

  @PactVerifyProvider("a MessageStored event")
  MessageAndMetadata messageStored() {
    var tap = tap(Destinations.MESSAGE_STORED);
    String conversation = sentTextMessage(gateway());
    return fromAmqp(tap.nextMessage(conversationIs(conversation), conversation));
  }

  @PactVerifyProvider("a DeliveryBatch of a message frame")
  MessageAndMetadata deliveryBatch() {
    FakeGateway gateway = gateway();
    sentTextMessage(gateway);
    return fromAmqp(gateway.nextBatch());
  }

  @PactVerifyProvider("a ConversationChanged event of a new conversation")
  MessageAndMetadata conversationCreated() {
    var tap = tap(Destinations.CONVERSATION_CHANGED);
    String conversation = befriend(user(), user());
    return fromAmqp(tap.nextMessage(conversationIs(conversation), conversation));
  }

  @PactVerifyProvider("a ReadPositionMoved event")
  MessageAndMetadata readPositionMoved() {
    User reader = user();
    String conversation = befriend(user(), reader);
    lastSeq(conversation, 3);
    var tap = tap(Destinations.READ_POSITION_MOVED);
    http.post()
        .uri("/api/conversations/{id}/read", conversation)
        .headers(h -> h.setBearerAuth(reader.token()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("seq", 2))
        .exchange()
        .expectStatus()
        .is2xxSuccessful();
    return fromAmqp(tap.nextMessage(conversationIs(conversation), conversation));
  }

  @PactVerifyProvider("a MessageStored event of a message with media")
  MessageAndMetadata mediaMessageStored() {
    var tap = tap(Destinations.MESSAGE_STORED);
    String conversation = "d_" + UUID.randomUUID();
    Instant now = Instant.now();
    outbox
        .append(
            Destinations.MESSAGE_STORED,
            new MessageStored(
                UUID.randomUUID().toString(),
                now,
                "m-" + UUID.randomUUID(),
                conversation,
                1,
                UUID.randomUUID().toString(),
                "phone",
                "c-1",
                "image",
                now,
                "md-" + UUID.randomUUID()))
        .block(WAIT);
    return fromAmqp(tap.nextMessage(conversationIs(conversation), conversation));
  }

  /** A text message from a to b in their direct conversation, b online at {@code gateway}. */
  private String sentTextMessage(FakeGateway gateway) {
    User a = user();
    User b = user();
    String conversation = befriend(a, b);
    online(b, "phone", gateway);
    http.post()
        .uri("/api/conversations/{id}/messages", conversation)
        .headers(h -> h.setBearerAuth(a.token()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", "p-1", "kind", "text", "body", Map.of("text", "hi")))
        .exchange()
        .expectStatus()
        .isCreated();
    return conversation;
  }

  private static java.util.function.Predicate<Map<String, Object>> conversationIs(String id) {
    return event -> id.equals(event.get("conversationId"));
  }
}
