package com.parley.im.message.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.ClientFrameReceived;
import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/** typing and signal relays: only between people who share a conversation. */
class RelayIntegrationTests extends MessagingIntegrationTestBase {

  @Autowired
  @Qualifier("handleClientFrame")
  Consumer<List<ClientFrameReceived>> handleClientFrames;

  /** Hands frames to the consumer as one batch, as the binder does. */
  private void handle(ClientFrameReceived... frames) {
    handleClientFrames.accept(List.of(frames));
  }

  private void frame(FakeGateway gateway, User user, String device, String json) {
    handle(
        new ClientFrameReceived(
            UUID.randomUUID().toString(),
            Instant.now(),
            gateway.instanceId,
            user.id(),
            device,
            "session-" + device,
            json));
  }

  @Test
  void typingReachesTheOtherMembersOnlyAndOnlyFromAMember() {
    User a = user();
    User b = user();
    User c = user();
    User stranger = user();
    String group = group(a, b, c);
    FakeGateway gateway = gateway();
    online(a, "a1", gateway);
    online(b, "b1", gateway);
    online(c, "c1", gateway);
    online(stranger, "s1", gateway);

    // Pushes leave in call order through one publisher thread, so once a's typing has arrived
    // the stranger's, had it been relayed, would have arrived before it.
    frame(gateway, stranger, "s1", "{\"type\":\"typing\",\"conversationId\":\"" + group + "\"}");
    frame(gateway, a, "a1", "{\"type\":\"typing\",\"conversationId\":\"" + group + "\"}");

    Map<String, Object> typing = gateway.await(b.id(), "b1", "typing");
    assertThat(typing).containsEntry("conversationId", group).containsEntry("fromUserId", a.id());
    gateway.await(c.id(), "c1", "typing");
    assertThat(gateway.frames(b.id(), "b1")).hasSize(1);
    assertThat(gateway.frames(a.id(), "a1")).isEmpty();
    // The stranger's own device is told why (issue 8), and nobody else hears of it.
    assertThat(gateway.frames(stranger.id(), "s1"))
        .singleElement()
        .satisfies(
            f -> assertThat(f).containsEntry("type", "error").containsEntry("code", "not_member"));
  }

  /**
   * Issue 8: {@code recv}, {@code read} and {@code typing} in a conversation the device's user is
   * not in are answered with an {@code error} frame {@code not_member} (with the frame's id) to
   * that device only, and change nothing.
   */
  @Test
  void recvReadAndTypingOfANonMemberAreAnsweredWithAnErrorFrame() {
    User a = user();
    User b = user();
    User stranger = user();
    String direct = befriend(a, b);
    FakeGateway gateway = gateway();
    online(a, "a1", gateway);
    online(stranger, "s1", gateway);
    online(stranger, "s2", gateway);

    frame(
        gateway,
        stranger,
        "s1",
        "{\"type\":\"recv\",\"id\":\"r1\",\"conversationId\":\"" + direct + "\",\"seq\":3}");
    frame(
        gateway,
        stranger,
        "s1",
        "{\"type\":\"read\",\"id\":\"r2\",\"conversationId\":\"" + direct + "\",\"seq\":3}");
    frame(
        gateway,
        stranger,
        "s1",
        "{\"type\":\"typing\",\"id\":\"r3\",\"conversationId\":\"" + direct + "\"}");

    awaitTrue(() -> gateway.frames(stranger.id(), "s1").size() == 3);
    assertThat(gateway.frames(stranger.id(), "s1"))
        .allSatisfy(
            f -> assertThat(f).containsEntry("type", "error").containsEntry("code", "not_member"))
        .extracting(f -> f.get("id"))
        .containsExactlyInAnyOrder("r1", "r2", "r3");
    assertThat(gateway.frames(stranger.id(), "s2")).isEmpty();
    assertThat(gateway.frames(a.id(), "a1")).isEmpty();
    assertThat(
            count("select count(*) from device_position where user_id = '" + stranger.id() + "'"))
        .isZero();
  }

  @Test
  void signalReachesAFriendAndIsRefusedBetweenStrangers() {
    User a = user();
    User friend = user();
    befriend(a, friend);
    User stranger = user();
    FakeGateway gateway = gateway();
    online(a, "a1", gateway);
    online(a, "a2", gateway);
    online(friend, "f1", gateway);
    online(stranger, "s1", gateway);

    frame(
        gateway,
        a,
        "a1",
        "{\"type\":\"signal\",\"id\":\"sig-1\",\"toUserId\":\""
            + stranger.id()
            + "\",\"callId\":\"call-1\",\"payload\":{\"sdp\":\"x\"}}");
    frame(
        gateway,
        a,
        "a1",
        "{\"type\":\"signal\",\"id\":\"sig-2\",\"toUserId\":\""
            + friend.id()
            + "\",\"callId\":\"call-2\",\"payload\":{\"sdp\":\"y\"}}");

    Map<String, Object> signal = gateway.await(friend.id(), "f1", "signal");
    assertThat(signal)
        .containsEntry("fromUserId", a.id())
        .containsEntry("callId", "call-2")
        .containsEntry("payload", Map.of("sdp", "y"));
    Map<String, Object> error = gateway.await(a.id(), "a1", "error");
    assertThat(error).containsEntry("id", "sig-1").containsEntry("code", "forbidden");
    // Only the device that sent hears of the refusal; the stranger hears nothing.
    assertThat(gateway.frames(a.id(), "a2")).isEmpty();
    assertThat(gateway.frames(stranger.id(), "s1")).isEmpty();
  }

  @Test
  void groupMembersMaySignalEachOther() {
    User a = user();
    User b = user();
    group(a, b);
    FakeGateway gateway = gateway();
    online(b, "b1", gateway);

    frame(
        gateway,
        a,
        "a1",
        "{\"type\":\"signal\",\"toUserId\":\""
            + b.id()
            + "\",\"callId\":\"c\",\"payload\":{\"candidate\":1}}");

    assertThat(gateway.await(b.id(), "b1", "signal")).containsEntry("fromUserId", a.id());
  }
}
