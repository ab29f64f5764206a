package com.parley.im.relation.notice;

import static com.parley.im.testsupport.pact.PactEvents.domainEvent;
import static com.parley.im.testsupport.pact.PactEvents.expects;
import static com.parley.im.testsupport.pact.PactEvents.instant;
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
import com.parley.im.events.FriendRequestSent;
import com.parley.im.events.FriendshipRemoved;
import com.parley.im.testsupport.pact.BinderInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;

/**
 * relation-service's notices read its own events back from the broker (group {@code
 * relation-notices}), so they have a contract too (ADR 0011): a sent request, an accepted one and a
 * removed friendship go through the binder's input path to the real consumers and reach {@link
 * RelationNotices}.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(
    providerName = "relation-service-events",
    providerType = ProviderType.ASYNCH,
    pactVersion = PactSpecVersion.V4)
class NoticeConsumersPactTests {

  private static final String REQUEST = "7d3e2f1a-0b9c-4d8e-a7f6-5e4d3c2b1a09";
  private static final String FROM = "5b2f7e0c-8a14-4d3b-9c6e-1f0a2b3c4d5e";
  private static final String TO = "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";

  private final RelationNotices notices = mock(RelationNotices.class);

  @Pact(consumer = "relation-service")
  V4Pact friendRequestSent(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a FriendRequestSent event",
            instant(
                domainEvent()
                    .stringType("requestId", REQUEST)
                    .stringType("fromUserId", FROM)
                    .stringType("toUserId", TO),
                "createdAt")));
  }

  @Pact(consumer = "relation-service")
  V4Pact friendRequestAccepted(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a FriendRequestAccepted event",
            instant(
                domainEvent()
                    .stringType("requestId", REQUEST)
                    .stringType("fromUserId", FROM)
                    .stringType("toUserId", TO),
                "since")));
  }

  @Pact(consumer = "relation-service")
  V4Pact friendshipRemoved(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a FriendshipRemoved event",
            domainEvent().stringType("userId", FROM).stringType("friendId", TO)));
  }

  @Test
  @PactTestFor(pactMethod = "friendRequestSent")
  void aSentRequestIsNoticedToItsRecipient(V4Interaction.AsynchronousMessage message) {
    when(notices.apply(any(FriendRequestSent.class))).thenReturn(Mono.empty());

    BinderInput.of(NoticeConsumers.class, "noticeFriendRequest", notices).accept(message);

    ArgumentCaptor<FriendRequestSent> event = ArgumentCaptor.forClass(FriendRequestSent.class);
    verify(notices).apply(event.capture());
    assertThat(event.getValue())
        .extracting(
            FriendRequestSent::requestId,
            FriendRequestSent::fromUserId,
            FriendRequestSent::toUserId)
        .containsExactly(REQUEST, FROM, TO);
    assertThat(event.getValue().createdAt()).isNotNull();
  }

  @Test
  @PactTestFor(pactMethod = "friendRequestAccepted")
  void anAcceptedRequestIsNoticedToItsSender(V4Interaction.AsynchronousMessage message) {
    when(notices.apply(any(FriendRequestAccepted.class))).thenReturn(Mono.empty());

    BinderInput.of(NoticeConsumers.class, "noticeFriendAccepted", notices).accept(message);

    ArgumentCaptor<FriendRequestAccepted> event =
        ArgumentCaptor.forClass(FriendRequestAccepted.class);
    verify(notices).apply(event.capture());
    assertThat(event.getValue().requestId()).isEqualTo(REQUEST);
    assertThat(event.getValue().fromUserId()).isEqualTo(FROM);
    assertThat(event.getValue().since()).isNotNull();
  }

  @Test
  @PactTestFor(pactMethod = "friendshipRemoved")
  void aRemovedFriendshipIsNoticedToTheFormerFriend(V4Interaction.AsynchronousMessage message) {
    when(notices.apply(any(FriendshipRemoved.class))).thenReturn(Mono.empty());

    BinderInput.of(NoticeConsumers.class, "noticeFriendRemoved", notices).accept(message);

    ArgumentCaptor<FriendshipRemoved> event = ArgumentCaptor.forClass(FriendshipRemoved.class);
    verify(notices).apply(event.capture());
    assertThat(event.getValue().userId()).isEqualTo(FROM);
    assertThat(event.getValue().friendId()).isEqualTo(TO);
  }
}
