package com.parley.im.relation;

import static com.parley.im.testsupport.pact.PactMessages.fromAmqp;

import au.com.dius.pact.provider.MessageAndMetadata;
import au.com.dius.pact.provider.PactVerifyProvider;
import au.com.dius.pact.provider.junit5.MessageTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import com.parley.im.events.Destinations;
import com.parley.im.testsupport.EventTap;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * relation-service's side of the checked-in message contracts (ADR 0011): each event a consumer
 * expects is made by the real service in the shared integration context (a request sent and
 * accepted, a friend removed, a user blocked and unblocked, over HTTP) and read off the broker as
 * the outbox relay published it.
 */
@Provider("relation-service-events")
@PactFolder("../contracts/pacts")
class RelationEventsPactVerificationTests extends IntegrationTestBase {

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void theMessageIsWhatTheConsumerExpects(PactVerificationContext context) {
    context.verifyInteraction();
  }

  @BeforeEach
  void target(PactVerificationContext context) {
    context.setTarget(new MessageTestTarget(List.of(getClass().getPackageName())));
  }

  @PactVerifyProvider("a FriendRequestSent event")
  MessageAndMetadata friendRequestSent() {
    EventTap tap = tap(Destinations.FRIEND_REQUEST_SENT);
    String request = requestId(user("alice"), user("bob"));
    return fromAmqp(tap.nextMessage(e -> request.equals(e.get("requestId")), request));
  }

  @PactVerifyProvider("a FriendRequestAccepted event")
  MessageAndMetadata friendRequestAccepted() {
    EventTap tap = tap(Destinations.FRIEND_REQUEST_ACCEPTED);
    User alice = user("alice");
    befriend(alice, user("bob"));
    return fromAmqp(tap.nextMessage(e -> alice.id().equals(e.get("fromUserId")), alice.id()));
  }

  @PactVerifyProvider("a FriendshipRemoved event")
  MessageAndMetadata friendshipRemoved() {
    EventTap tap = tap(Destinations.FRIENDSHIP_REMOVED);
    User alice = user("alice");
    User bob = user("bob");
    befriend(alice, bob);
    delete(bob, "/api/friends/{id}", alice.id()).expectStatus().isNoContent();
    return fromAmqp(
        tap.nextMessage(
            e -> bob.id().equals(e.get("userId")) || bob.id().equals(e.get("friendId")), bob.id()));
  }

  @PactVerifyProvider("a UserBlocked event")
  MessageAndMetadata userBlocked() {
    EventTap tap = tap(Destinations.USER_BLOCKED);
    User alice = user("alice");
    put(alice, "/api/blocks/{id}", user("bob").id()).expectStatus().isNoContent();
    return fromAmqp(tap.nextMessage(e -> alice.id().equals(e.get("blockerId")), alice.id()));
  }

  @PactVerifyProvider("a UserUnblocked event")
  MessageAndMetadata userUnblocked() {
    EventTap tap = tap(Destinations.USER_UNBLOCKED);
    User alice = user("alice");
    User bob = user("bob");
    put(alice, "/api/blocks/{id}", bob.id()).expectStatus().isNoContent();
    delete(alice, "/api/blocks/{id}", bob.id()).expectStatus().isNoContent();
    return fromAmqp(tap.nextMessage(e -> alice.id().equals(e.get("blockerId")), alice.id()));
  }
}
