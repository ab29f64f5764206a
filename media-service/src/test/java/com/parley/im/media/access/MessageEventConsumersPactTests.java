package com.parley.im.media.access;

import static com.parley.im.testsupport.pact.PactEvents.domainEvent;
import static com.parley.im.testsupport.pact.PactEvents.expects;
import static com.parley.im.testsupport.pact.PactEvents.pact;
import static com.parley.im.testsupport.pact.PactEvents.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
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
import com.parley.im.testsupport.pact.BinderInput;
import com.parley.im.testsupport.pact.PactEvents;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;

/**
 * media-service's contract with message-service's events (ADR 0011): a stored message with media
 * grants the media to its conversation, and a conversation's members are tracked; each message goes
 * through the binder's input path to the real consumer and reaches {@link ConversationProjection}.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(
    providerName = "message-service-events",
    providerType = ProviderType.ASYNCH,
    pactVersion = PactSpecVersion.V4)
class MessageEventConsumersPactTests {

  private static final String CONVERSATION = "d_3f8e1c2a-0d4b-4c55-9a1e-7b6f2d9c8e01";
  private static final String MEMBER = "5b2f7e0c-8a14-4d3b-9c6e-1f0a2b3c4d5e";
  private static final String MEDIA = "md_7c1e9a2b4d6f";

  private final ConversationProjection projection = mock(ConversationProjection.class);

  @Pact(consumer = "media-service")
  V4Pact mediaMessageStored(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a MessageStored event of a message with media",
            domainEvent().stringType("conversationId", CONVERSATION).stringType("mediaId", MEDIA)));
  }

  @Pact(consumer = "media-service")
  V4Pact conversationChanged(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a ConversationChanged event of a new conversation",
            strings(
                domainEvent().stringType("conversationId", CONVERSATION), "memberIds", MEMBER)));
  }

  @Test
  @PactTestFor(pactMethod = "mediaMessageStored")
  void aStoredMessageWithMediaGrantsTheMediaToItsConversation(
      V4Interaction.AsynchronousMessage message) {
    when(projection.apply(anyList())).thenReturn(Mono.empty());

    // The binding is in batch mode: the binder hands the function a list.
    BinderInput.of(MessageEventConsumers.class, "grantMediaToConversation", projection)
        .acceptBatch(List.of(message));

    @SuppressWarnings("unchecked")
    ArgumentCaptor<List<MessageStored>> events = ArgumentCaptor.forClass(List.class);
    verify(projection).apply(events.capture());
    assertThat(events.getValue()).hasSize(1);
    assertThat(events.getValue().get(0).conversationId()).isEqualTo(CONVERSATION);
    assertThat(events.getValue().get(0).mediaId()).isEqualTo(MEDIA);
  }

  @Test
  @PactTestFor(pactMethod = "conversationChanged")
  void aChangedConversationsMembersAreTracked(V4Interaction.AsynchronousMessage message) {
    when(projection.apply(any(ConversationChanged.class))).thenReturn(Mono.empty());

    BinderInput.of(MessageEventConsumers.class, "trackMembers", projection).accept(message);

    ArgumentCaptor<ConversationChanged> event = ArgumentCaptor.forClass(ConversationChanged.class);
    verify(projection).apply(event.capture());
    assertThat(event.getValue().conversationId()).isEqualTo(CONVERSATION);
    assertThat(event.getValue().memberIds()).containsExactly(MEMBER);
    assertThat(event.getValue().occurredAt()).isEqualTo(Instant.parse(PactEvents.AN_INSTANT));
  }
}
