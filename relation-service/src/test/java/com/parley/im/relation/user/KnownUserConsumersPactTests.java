package com.parley.im.relation.user;

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
import com.parley.im.events.UserRegistered;
import com.parley.im.events.UserUpdated;
import com.parley.im.testsupport.pact.BinderInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;

/**
 * relation-service's contract with user-service's account events (ADR 0011): a registered and an
 * updated user go through the binder's input path to the real consumers and reach {@link
 * KnownUserService}.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(
    providerName = "user-service-events",
    providerType = ProviderType.ASYNCH,
    pactVersion = PactSpecVersion.V4)
class KnownUserConsumersPactTests {

  private static final String USER = "5b2f7e0c-8a14-4d3b-9c6e-1f0a2b3c4d5e";

  private final KnownUserService users = mock(KnownUserService.class);

  @Pact(consumer = "relation-service")
  V4Pact userRegistered(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a UserRegistered event",
            domainEvent()
                .stringType("userId", USER)
                .stringType("username", "alice")
                .stringType("displayName", "Alice")));
  }

  @Pact(consumer = "relation-service")
  V4Pact userUpdated(MessagePactBuilder builder) {
    return pact(
        expects(
            builder,
            "a UserUpdated event of a new display name",
            domainEvent().stringType("userId", USER).stringType("displayName", "Alice B.")));
  }

  @Test
  @PactTestFor(pactMethod = "userRegistered")
  void aRegisteredUserIsKnown(V4Interaction.AsynchronousMessage message) {
    when(users.apply(any(UserRegistered.class))).thenReturn(Mono.empty());

    BinderInput.of(KnownUserConsumers.class, "rememberRegisteredUser", users).accept(message);

    ArgumentCaptor<UserRegistered> event = ArgumentCaptor.forClass(UserRegistered.class);
    verify(users).apply(event.capture());
    assertThat(event.getValue())
        .extracting(UserRegistered::userId, UserRegistered::username, UserRegistered::displayName)
        .containsExactly(USER, "alice", "Alice");
    assertThat(event.getValue().occurredAt()).isNotNull();
  }

  @Test
  @PactTestFor(pactMethod = "userUpdated")
  void anUpdatedDisplayNameIsKnown(V4Interaction.AsynchronousMessage message) {
    when(users.apply(any(UserUpdated.class))).thenReturn(Mono.empty());

    BinderInput.of(KnownUserConsumers.class, "rememberUpdatedUser", users).accept(message);

    ArgumentCaptor<UserUpdated> event = ArgumentCaptor.forClass(UserUpdated.class);
    verify(users).apply(event.capture());
    assertThat(event.getValue().userId()).isEqualTo(USER);
    assertThat(event.getValue().displayName()).isEqualTo("Alice B.");
  }
}
