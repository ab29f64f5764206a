package com.parley.im.message.conversation;

import static com.parley.im.testsupport.pact.PactEvents.domainEvent;
import static com.parley.im.testsupport.pact.PactEvents.expects;
import static com.parley.im.testsupport.pact.PactEvents.pact;
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
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import com.parley.im.events.UserBlocked;
import com.parley.im.events.UserUnblocked;
import com.parley.im.testsupport.pact.BinderInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;

/**
 * message-service's contract with relation-service's events (ADR 0011): friendships and blocks go
 * through the binder's input path to the real consumers and reach {@link RelationProjections}.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(
    providerName = "relation-service-events",
    providerType = ProviderType.ASYNCH,
    pactVersion = PactSpecVersion.V4)
class RelationConsumersPactTests {

  private static final String A = "5b2f7e0c-8a14-4d3b-9c6e-1f0a2b3c4d5e";
  private static final String B = "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";

  private final RelationProjections relations = mock(RelationProjections.class);

  @Pact(consumer = "message-service")
  V4Pact friendRequestAccepted(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a FriendRequestAccepted event",
            domainEvent().stringType("fromUserId", A).stringType("toUserId", B)));
  }

  @Pact(consumer = "message-service")
  V4Pact friendshipRemoved(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a FriendshipRemoved event",
            domainEvent().stringType("userId", A).stringType("friendId", B)));
  }

  @Pact(consumer = "message-service")
  V4Pact userBlocked(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a UserBlocked event",
            domainEvent().stringType("blockerId", A).stringType("blockedId", B)));
  }

  @Pact(consumer = "message-service")
  V4Pact userUnblocked(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a UserUnblocked event",
            domainEvent().stringType("blockerId", A).stringType("blockedId", B)));
  }

  @Test
  @PactTestFor(pactMethod = "friendRequestAccepted")
  void anAcceptedRequestOpensTheDirectConversation(V4Interaction.AsynchronousMessage message) {
    when(relations.apply(any(FriendRequestAccepted.class))).thenReturn(Mono.empty());

    BinderInput.of(RelationConsumers.class, "rememberFriendship", relations).accept(message);

    ArgumentCaptor<FriendRequestAccepted> event =
        ArgumentCaptor.forClass(FriendRequestAccepted.class);
    verify(relations).apply(event.capture());
    assertThat(event.getValue().fromUserId()).isEqualTo(A);
    assertThat(event.getValue().toUserId()).isEqualTo(B);
    assertThat(event.getValue().occurredAt()).isNotNull();
  }

  @Test
  @PactTestFor(pactMethod = "friendshipRemoved")
  void aRemovedFriendshipIsForgotten(V4Interaction.AsynchronousMessage message) {
    when(relations.apply(any(FriendshipRemoved.class))).thenReturn(Mono.empty());

    BinderInput.of(RelationConsumers.class, "forgetFriendship", relations).accept(message);

    ArgumentCaptor<FriendshipRemoved> event = ArgumentCaptor.forClass(FriendshipRemoved.class);
    verify(relations).apply(event.capture());
    assertThat(event.getValue().userId()).isEqualTo(A);
    assertThat(event.getValue().friendId()).isEqualTo(B);
  }

  @Test
  @PactTestFor(pactMethod = "userBlocked")
  void aBlockIsRemembered(V4Interaction.AsynchronousMessage message) {
    when(relations.apply(any(UserBlocked.class))).thenReturn(Mono.empty());

    BinderInput.of(RelationConsumers.class, "rememberBlock", relations).accept(message);

    ArgumentCaptor<UserBlocked> event = ArgumentCaptor.forClass(UserBlocked.class);
    verify(relations).apply(event.capture());
    assertThat(event.getValue().blockerId()).isEqualTo(A);
    assertThat(event.getValue().blockedId()).isEqualTo(B);
  }

  @Test
  @PactTestFor(pactMethod = "userUnblocked")
  void anUnblockIsForgotten(V4Interaction.AsynchronousMessage message) {
    when(relations.apply(any(UserUnblocked.class))).thenReturn(Mono.empty());

    BinderInput.of(RelationConsumers.class, "forgetBlock", relations).accept(message);

    ArgumentCaptor<UserUnblocked> event = ArgumentCaptor.forClass(UserUnblocked.class);
    verify(relations).apply(event.capture());
    assertThat(event.getValue().blockerId()).isEqualTo(A);
    assertThat(event.getValue().blockedId()).isEqualTo(B);
  }
}
