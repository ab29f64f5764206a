package com.parley.im.unread.count;

import static com.parley.im.testsupport.pact.PactEvents.domainEvent;
import static com.parley.im.testsupport.pact.PactEvents.emptyList;
import static com.parley.im.testsupport.pact.PactEvents.expects;
import static com.parley.im.testsupport.pact.PactEvents.pact;
import static com.parley.im.testsupport.pact.PactEvents.strings;
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
import com.parley.im.events.ConversationChanged;
import com.parley.im.events.MessageStored;
import com.parley.im.events.ReadPositionMoved;
import com.parley.im.testsupport.pact.BinderInput;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;

/**
 * unread-service's contract with message-service's events (ADR 0011): the fields the counts need,
 * fed in a batch through the binder's input path to the real consumers, reach {@link UnreadCounts}
 * as the events they describe.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(
    providerName = "message-service-events",
    providerType = ProviderType.ASYNCH,
    pactVersion = PactSpecVersion.V4)
class CountConsumersPactTests {

  private static final String CONVERSATION = "d_3f8e1c2a-0d4b-4c55-9a1e-7b6f2d9c8e01";
  private static final String SENDER = "5b2f7e0c-8a14-4d3b-9c6e-1f0a2b3c4d5e";
  private static final String READER = "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";

  private final UnreadCounts counts = mock(UnreadCounts.class);

  @Pact(consumer = "unread-service")
  V4Pact messageStored(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a MessageStored event",
            domainEvent()
                .stringType("conversationId", CONVERSATION)
                .integerType("seq", 7)
                .stringType("senderId", SENDER)));
  }

  @Pact(consumer = "unread-service")
  V4Pact readPositionMoved(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a ReadPositionMoved event",
            domainEvent()
                .stringType("conversationId", CONVERSATION)
                .stringType("userId", READER)
                .integerType("readSeq", 5)));
  }

  @Pact(consumer = "unread-service")
  V4Pact conversationChanged(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a ConversationChanged event of a new conversation",
            emptyList(
                strings(
                    strings(
                        domainEvent()
                            .stringType("conversationId", CONVERSATION)
                            .stringType("change", "created")
                            .integerType("seq", 0),
                        "memberIds",
                        SENDER),
                    "addedUserIds",
                    SENDER),
                "removedUserIds")));
  }

  @Test
  @PactTestFor(pactMethod = "messageStored")
  void aMessageStoredEventCountsAMessage(List<V4Interaction.AsynchronousMessage> messages) {
    when(counts.messagesStored(any())).thenReturn(Mono.empty());

    BinderInput.of(CountConsumers.class, "countMessages", counts).acceptBatch(messages);

    ArgumentCaptor<List<MessageStored>> batch = captor();
    verify(counts).messagesStored(batch.capture());
    assertThat(batch.getValue())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.conversationId()).isEqualTo(CONVERSATION);
              assertThat(event.seq()).isEqualTo(7);
              assertThat(event.senderId()).isEqualTo(SENDER);
              assertThat(event.eventId()).isNotBlank();
              assertThat(event.occurredAt()).isNotNull();
            });
  }

  @Test
  @PactTestFor(pactMethod = "readPositionMoved")
  void aReadPositionMovedEventMovesTheReadersPosition(
      List<V4Interaction.AsynchronousMessage> messages) {
    when(counts.readPositionsMoved(any())).thenReturn(Mono.empty());

    BinderInput.of(CountConsumers.class, "countReads", counts).acceptBatch(messages);

    ArgumentCaptor<List<ReadPositionMoved>> batch = captor();
    verify(counts).readPositionsMoved(batch.capture());
    assertThat(batch.getValue())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.conversationId()).isEqualTo(CONVERSATION);
              assertThat(event.userId()).isEqualTo(READER);
              assertThat(event.readSeq()).isEqualTo(5);
            });
  }

  @Test
  @PactTestFor(pactMethod = "conversationChanged")
  void aConversationChangedEventFollowsTheMembers(
      List<V4Interaction.AsynchronousMessage> messages) {
    when(counts.conversationsChanged(any())).thenReturn(Mono.empty());

    BinderInput.of(CountConsumers.class, "followMembers", counts).acceptBatch(messages);

    ArgumentCaptor<List<ConversationChanged>> batch = captor();
    verify(counts).conversationsChanged(batch.capture());
    assertThat(batch.getValue())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.conversationId()).isEqualTo(CONVERSATION);
              assertThat(event.change()).isEqualTo("created");
              assertThat(event.memberIds()).containsExactly(SENDER);
              assertThat(event.addedUserIds()).containsExactly(SENDER);
              assertThat(event.removedUserIds()).isEmpty();
            });
  }

  @SuppressWarnings("unchecked")
  private static <T> ArgumentCaptor<List<T>> captor() {
    return ArgumentCaptor.forClass((Class<List<T>>) (Class<?>) List.class);
  }
}
