package com.parley.im.user.friend;

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
import com.parley.im.testsupport.pact.BinderInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;

/**
 * user-service's contract with relation-service's friendship events (ADR 0011): an accepted request
 * and a removed friendship go through the binder's input path to the real consumers and reach
 * {@link FriendshipService}.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(
    providerName = "relation-service-events",
    providerType = ProviderType.ASYNCH,
    pactVersion = PactSpecVersion.V4)
class FriendshipConsumersPactTests {

  private static final String FROM = "5b2f7e0c-8a14-4d3b-9c6e-1f0a2b3c4d5e";
  private static final String TO = "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";

  private final FriendshipService friends = mock(FriendshipService.class);

  @Pact(consumer = "user-service")
  V4Pact friendRequestAccepted(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a FriendRequestAccepted event",
            domainEvent().stringType("fromUserId", FROM).stringType("toUserId", TO)));
  }

  @Pact(consumer = "user-service")
  V4Pact friendshipRemoved(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a FriendshipRemoved event",
            domainEvent().stringType("userId", FROM).stringType("friendId", TO)));
  }

  @Test
  @PactTestFor(pactMethod = "friendRequestAccepted")
  void anAcceptedRequestMakesFriends(V4Interaction.AsynchronousMessage message) {
    when(friends.apply(any(FriendRequestAccepted.class))).thenReturn(Mono.empty());

    BinderInput.of(FriendshipConsumers.class, "recordFriendship", friends).accept(message);

    ArgumentCaptor<FriendRequestAccepted> event =
        ArgumentCaptor.forClass(FriendRequestAccepted.class);
    verify(friends).apply(event.capture());
    assertThat(event.getValue().fromUserId()).isEqualTo(FROM);
    assertThat(event.getValue().toUserId()).isEqualTo(TO);
    assertThat(event.getValue().occurredAt()).isNotNull();
  }

  @Test
  @PactTestFor(pactMethod = "friendshipRemoved")
  void aRemovedFriendshipEndsIt(V4Interaction.AsynchronousMessage message) {
    when(friends.apply(any(FriendshipRemoved.class))).thenReturn(Mono.empty());

    BinderInput.of(FriendshipConsumers.class, "forgetFriendship", friends).accept(message);

    ArgumentCaptor<FriendshipRemoved> event = ArgumentCaptor.forClass(FriendshipRemoved.class);
    verify(friends).apply(event.capture());
    assertThat(event.getValue().userId()).isEqualTo(FROM);
    assertThat(event.getValue().friendId()).isEqualTo(TO);
  }
}
