package com.parley.im.systemtests;

import static com.parley.im.systemtests.ParleyClient.clientMsgId;
import static com.parley.im.systemtests.ParleyClient.openSocket;
import static com.parley.im.systemtests.ParleyClient.seqRange;
import static com.parley.im.systemtests.ParleyClient.seqs;
import static com.parley.im.systemtests.WsConnection.sendFrame;
import static com.parley.im.systemtests.WsConnection.textFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Response;
import com.parley.im.systemtests.ParleyClient.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Direct messaging through the gateway, by a client written from PROTOCOL.md alone ("Conversations
 * and messages", the {@code send}, {@code recv} and {@code read} frames, the delivery guarantees),
 * with the wire details that docs/protocol.md adds (the project's decisions): history answers
 * {@code {"messages":[...]}} ascending by seq, a REST resend answers 200 with the first message, a
 * recalled message has {@code body: null} and {@code recalledAt}.
 */
@ExtendWith(RunningSystem.class)
class MessageSystemTests {

  /** Time for the answer to a {@code send} on a busy 2-core machine. */
  private static final Duration ANSWER = Duration.ofSeconds(30);

  /** Time for pushes to reach a socket. */
  private static final Duration PUSH = Duration.ofSeconds(30);

  /** The redelivery interval (10 s by default) plus a generous margin. */
  private static final Duration REDELIVERY = Duration.ofSeconds(20);

  /** Longer than the redelivery interval: a push not covered by a `recv` would come again. */
  private static final Duration QUIET = Duration.ofSeconds(12);

  private final ParleyClient client = new ParleyClient();

  /** Two friends and their direct conversation. */
  private record Friends(Session alice, Session bob, String conversationId) {}

  private Friends friends(String prefix) {
    Session alice = client.newUser(prefix + "A");
    Session bob = client.newUser(prefix + "B");
    return new Friends(alice, bob, client.directConversationOfNewFriends(alice, bob));
  }

  private static String id(Session session) {
    return session.account().id();
  }

  /** {@code n} text {@code send} frames with fresh ids. */
  private static List<Map<String, Object>> texts(String conversationId, String tag, int n) {
    List<Map<String, Object>> frames = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      frames.add(textFrame(clientMsgId(tag + i), conversationId, tag + " message " + i));
    }
    return frames;
  }

  private static Predicate<JsonNode> messageOf(String conversationId) {
    return f ->
        "message".equals(f.path("type").asString())
            && conversationId.equals(f.path("conversationId").asString());
  }

  private static Predicate<JsonNode> messageOf(String conversationId, long seq) {
    return messageOf(conversationId).and(f -> f.path("seq").asLong() == seq);
  }

  /** An {@code ack} for this {@code send} frame, with PROTOCOL.md's members. */
  private static void assertAck(JsonNode answer, Map<String, Object> sent) {
    assertThat(answer.path("type").asString())
        .as("answer to send %s: %s", sent.get("id"), answer)
        .isEqualTo("ack");
    assertThat(answer.path("id").asString()).as("ack.id").isEqualTo(sent.get("id"));
    assertThat(answer.path("conversationId").asString())
        .as("ack.conversationId")
        .isEqualTo(sent.get("conversationId"));
    assertThat(answer.path("messageId").asString()).as("ack.messageId of %s", answer).isNotBlank();
    assertThat(answer.path("seq").isIntegralNumber()).as("ack.seq of %s", answer).isTrue();
    assertThat(Instant.parse(answer.path("createdAt").asString())).as("ack.createdAt").isNotNull();
  }

  /** Sends the frames pipelined, checks every answer is an ack, returns them in send order. */
  private static List<JsonNode> sendAll(WsConnection socket, List<Map<String, Object>> frames) {
    List<JsonNode> acks = socket.pipeline(frames, ANSWER);
    for (int i = 0; i < frames.size(); i++) {
      assertAck(acks.get(i), frames.get(i));
    }
    return acks;
  }

  private static JsonNode sendOne(WsConnection socket, Map<String, Object> frame) {
    return sendAll(socket, List.of(frame)).get(0);
  }

  /** A stored message (history or {@code message} frame) that matches the ack of its send. */
  @SuppressWarnings("unchecked")
  private static void assertMessage(
      JsonNode message, JsonNode ack, Map<String, Object> sent, Session sender) {
    String what = "message " + message;
    assertThat(message.path("messageId").asString())
        .as(what)
        .isEqualTo(ack.path("messageId").asString());
    assertThat(message.path("conversationId").asString())
        .as(what)
        .isEqualTo(ack.path("conversationId").asString());
    assertThat(message.path("seq").asLong()).as(what).isEqualTo(ack.path("seq").asLong());
    assertThat(message.path("senderId").asString()).as("senderId of " + what).isEqualTo(id(sender));
    assertThat(message.path("senderDeviceId").asString())
        .as("senderDeviceId of " + what)
        .isEqualTo(sender.deviceId());
    assertThat(message.path("clientMsgId").asString()).as(what).isEqualTo(sent.get("id"));
    assertThat(message.path("kind").asString()).as(what).isEqualTo(sent.get("kind"));
    Map<String, Object> body = (Map<String, Object>) sent.get("body");
    assertThat(message.path("body").path("text").asString())
        .as("body.text of " + what)
        .isEqualTo(body.get("text"));
    assertThat(Instant.parse(message.path("createdAt").asString())).as(what).isNotNull();
  }

  private static List<String> messageIds(List<JsonNode> messages) {
    return messages.stream().map(m -> m.path("messageId").asString()).toList();
  }

  private long lastSeq(Session session, String conversationId) {
    return client.conversationEntry(session, conversationId).orElseThrow().path("lastSeq").asLong();
  }

  /**
   * Sends fresh text messages until one is refused with {@code code} (the refusal follows the
   * relation change through events, so the first sends may still be accepted), and returns it.
   */
  private static JsonNode awaitRefusal(WsConnection socket, String conversationId, String code) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    AtomicReference<String> lastId = new AtomicReference<>();
    try {
      await("a send refused with " + code)
          .atMost(ParleyClient.EVENTUAL)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                lastId.set(clientMsgId("ref"));
                last.set(
                    socket.sendAndAwaitAnswer(
                        textFrame(lastId.get(), conversationId, "still there?"), ANSWER));
                return "error".equals(last.get().path("type").asString())
                    && code.equals(last.get().path("code").asString());
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no `error` " + code + "; the last answer: " + last.get(), e);
    }
    assertThat(last.get().path("id").asString()).as("error.id").isEqualTo(lastId.get());
    return last.get();
  }

  /** The first ack again: same messageId and seq (PROTOCOL.md, "No duplicates"). */
  private static void assertSameAck(JsonNode answer, JsonNode first, String what) {
    assertThat(answer.path("type").asString()).as("%s: %s", what, answer).isEqualTo("ack");
    assertThat(answer.path("id").asString()).as(what).isEqualTo(first.path("id").asString());
    assertThat(answer.path("messageId").asString())
        .as("%s: %s", what, answer)
        .isEqualTo(first.path("messageId").asString());
    assertThat(answer.path("seq").asLong())
        .as("%s: %s", what, answer)
        .isEqualTo(first.path("seq").asLong());
    assertThat(answer.path("conversationId").asString())
        .as(what)
        .isEqualTo(first.path("conversationId").asString());
  }

  private static boolean bodyIsGone(JsonNode message) {
    return message.path("body").isNull() || message.path("body").isMissingNode();
  }

  // ----------------------------------------------------------------------------------------------

  @Test
  void friendsHaveADirectConversationInTheirFriendAndConversationLists() {
    Friends f = friends("dc");

    JsonNode aliceView = client.conversationEntry(f.alice(), f.conversationId()).orElseThrow();
    assertThat(aliceView.path("type").asString()).as("type of %s", aliceView).isEqualTo("direct");
    assertThat(aliceView.path("peerId").asString())
        .as("peerId of %s", aliceView)
        .isEqualTo(id(f.bob()));
    assertThat(aliceView.path("memberCount").asInt())
        .as("memberCount of %s", aliceView)
        .isEqualTo(2);
    assertThat(aliceView.path("unread").asLong())
        .as("unread = lastSeq - readSeq in %s", aliceView)
        .isEqualTo(aliceView.path("lastSeq").asLong() - aliceView.path("readSeq").asLong());
    assertThat(aliceView.path("muted").isBoolean()).as("muted of %s", aliceView).isTrue();
    assertThat(Instant.parse(aliceView.path("updatedAt").asString())).isNotNull();

    JsonNode bobView = client.conversationEntry(f.bob(), f.conversationId()).orElseThrow();
    assertThat(bobView.path("peerId").asString())
        .as("peerId of %s", bobView)
        .isEqualTo(id(f.alice()));

    JsonNode bobsFriend =
        ParleyClient.items(
                client.get("/api/friends", f.bob().accessToken()).expectStatus(200).json())
            .get(0);
    assertThat(bobsFriend.path("conversationId").asString())
        .as("the same id on both sides")
        .isEqualTo(f.conversationId());

    Response direct =
        client.post(
            "/api/conversations/direct", Map.of("peerId", id(f.bob())), f.alice().accessToken());
    assertThat(direct.status()).as(direct.raw()).isIn(200, 201);
    assertThat(direct.json().path("id").asString(direct.json().path("conversationId").asString()))
        .as("POST /api/conversations/direct gives the same conversation: %s", direct.raw())
        .isEqualTo(f.conversationId());
  }

  @Test
  void fortyPipelinedSendsAreAckedWithConsecutiveSeqsInSendOrder() {
    Friends f = friends("pl");
    try (WsConnection socket = openSocket(f.alice())) {
      List<Map<String, Object>> frames = texts(f.conversationId(), "pl", 40);
      List<JsonNode> acks = sendAll(socket, frames);

      long first = acks.get(0).path("seq").asLong();
      assertThat(seqs(acks))
          .as("seqs in send order")
          .containsExactlyElementsOf(seqRange(first, first + 39));
      assertThat(messageIds(acks)).as("one message per send").doesNotHaveDuplicates();

      List<JsonNode> stored =
          client.history(f.alice(), f.conversationId(), "afterSeq=" + (first - 1) + "&limit=40");
      assertThat(seqs(stored)).containsExactlyElementsOf(seqRange(first, first + 39));
      for (int i = 0; i < 40; i++) {
        assertMessage(stored.get(i), acks.get(i), frames.get(i), f.alice());
      }
    }
  }

  @Test
  void theRecipientsDevicesAndTheSendersOtherDeviceReceiveAllFortyOnceAndInOrder() {
    Friends f = friends("fo");
    Session aliceTablet = client.anotherDevice(f.alice());
    Session bobTablet = client.anotherDevice(f.bob());
    try (WsConnection sender = openSocket(f.alice());
        WsConnection alice2 = openSocket(aliceTablet).autoRecv();
        WsConnection bob1 = openSocket(f.bob()).autoRecv();
        WsConnection bob2 = openSocket(bobTablet).autoRecv()) {
      List<Map<String, Object>> frames = texts(f.conversationId(), "fo", 40);
      List<JsonNode> acks = sendAll(sender, frames);
      long first = acks.get(0).path("seq").asLong();

      Map<String, WsConnection> receivers = new LinkedHashMap<>();
      receivers.put("bob's first device", bob1);
      receivers.put("bob's second device", bob2);
      receivers.put("alice's other device", alice2);
      for (Map.Entry<String, WsConnection> receiver : receivers.entrySet()) {
        List<JsonNode> got =
            receiver
                .getValue()
                .awaitFrames(
                    "`message` frames of " + f.conversationId() + " on " + receiver.getKey(),
                    messageOf(f.conversationId()),
                    40,
                    PUSH);
        assertThat(seqs(got))
            .as("seqs pushed to %s, in arrival order", receiver.getKey())
            .containsExactlyElementsOf(seqRange(first, first + 39));
        for (int i = 0; i < 40; i++) {
          assertMessage(got.get(i), acks.get(i), frames.get(i), f.alice());
        }
      }

      // Once: every push was covered by a `recv`, so none comes again after the redelivery
      // interval.
      try {
        await("no `message` frame pushed again")
            .during(QUIET)
            .atMost(QUIET.plusSeconds(15))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () ->
                    receivers.values().stream()
                        .allMatch(r -> r.messages(f.conversationId()).size() == 40));
      } catch (ConditionTimeoutException e) {
        Map<String, List<Long>> pushed = new LinkedHashMap<>();
        receivers.forEach((name, r) -> pushed.put(name, seqs(r.messages(f.conversationId()))));
        throw new AssertionError("a push repeated although recv covered it: " + pushed, e);
      }
    }
  }

  @Test
  void aResendOverTheSocketIsAnsweredWithTheFirstAck() {
    Friends f = friends("rs");
    Session aliceTablet = client.anotherDevice(f.alice());
    try (WsConnection socket = openSocket(f.alice())) {
      String id = clientMsgId("rs");
      Map<String, Object> frame = textFrame(id, f.conversationId(), "only once");
      Predicate<JsonNode> answersToIt =
          a -> id.equals(a.path("id").asString()) && !"message".equals(a.path("type").asString());

      // Sent twice without waiting: a concurrent resend.
      socket.send(frame);
      socket.send(frame);
      List<JsonNode> answers = socket.awaitFrames("answers to " + id, answersToIt, 2, ANSWER);
      JsonNode first = answers.get(0);
      assertAck(first, frame);
      assertSameAck(answers.get(1), first, "the concurrent resend's answer");

      // A later resend, and one from another device of the same sender (ids are unique per sender).
      socket.send(frame);
      assertSameAck(
          socket.awaitFrames("answers to " + id, answersToIt, 3, ANSWER).get(2),
          first,
          "a later resend's answer");
      try (WsConnection tablet = openSocket(aliceTablet)) {
        assertSameAck(
            tablet.sendAndAwaitAnswer(frame, ANSWER), first, "the answer on another device");
      }

      // No seq was spent on the resends, and one message is stored.
      long seq = first.path("seq").asLong();
      JsonNode next = sendOne(socket, textFrame(clientMsgId("rs"), f.conversationId(), "next"));
      assertThat(next.path("seq").asLong()).as("the next send's seq").isEqualTo(seq + 1);
      List<JsonNode> stored =
          client.history(f.bob(), f.conversationId(), "afterSeq=" + (seq - 1) + "&limit=50");
      assertThat(stored.stream().filter(m -> id.equals(m.path("clientMsgId").asString())))
          .as("messages stored for %s", id)
          .hasSize(1);
      assertThat(seqs(stored)).containsExactly(seq, seq + 1);
    }
  }

  @Test
  void aResendOverRestIsAnsweredWithTheFirstMessage() {
    Friends f = friends("rr");
    try (WsConnection socket = openSocket(f.alice())) {
      // First over the socket, then the same id over REST.
      Map<String, Object> frame = textFrame(clientMsgId("rr"), f.conversationId(), "socket first");
      JsonNode ack = sendOne(socket, frame);
      JsonNode again =
          client
              .postMessage(
                  f.alice(),
                  f.conversationId(),
                  (String) frame.get("id"),
                  "text",
                  frame.get("body"))
              .expectStatus(200)
              .json();
      assertMessage(again, ack, frame, f.alice());

      // First over REST: 201 with the stored message; again over REST: 200, over the socket: the
      // ack.
      String restId = clientMsgId("rr");
      Map<String, Object> body = Map.of("text", "rest first");
      JsonNode created =
          client
              .postMessage(f.alice(), f.conversationId(), restId, "text", body)
              .expectStatus(201)
              .json();
      assertThat(created.path("seq").asLong())
          .as("the next seq")
          .isEqualTo(ack.path("seq").asLong() + 1);
      assertThat(created.path("messageId").asString()).isNotBlank();
      assertThat(created.path("clientMsgId").asString()).isEqualTo(restId);
      assertThat(created.path("senderId").asString()).isEqualTo(id(f.alice()));
      assertThat(created.path("kind").asString()).isEqualTo("text");
      assertThat(created.path("body").path("text").asString()).isEqualTo("rest first");

      JsonNode restAgain =
          client
              .postMessage(f.alice(), f.conversationId(), restId, "text", body)
              .expectStatus(200)
              .json();
      assertThat(restAgain.path("messageId").asString())
          .isEqualTo(created.path("messageId").asString());
      assertThat(restAgain.path("seq").asLong()).isEqualTo(created.path("seq").asLong());

      JsonNode socketAgain = sendOne(socket, textFrame(restId, f.conversationId(), "rest first"));
      assertThat(socketAgain.path("messageId").asString())
          .isEqualTo(created.path("messageId").asString());
      assertThat(socketAgain.path("seq").asLong()).isEqualTo(created.path("seq").asLong());

      assertThat(seqs(client.history(f.bob(), f.conversationId(), "")))
          .as("two messages stored")
          .endsWith(ack.path("seq").asLong(), created.path("seq").asLong())
          .doesNotHaveDuplicates();
      assertThat(lastSeq(f.bob(), f.conversationId())).isEqualTo(created.path("seq").asLong());
    }
  }

  @Test
  void anOfflineRecipientCatchesUpByAfterSeq() {
    Friends f = friends("off");
    long known = lastSeq(f.bob(), f.conversationId()); // bob has everything up to here; no socket

    List<Map<String, Object>> frames = texts(f.conversationId(), "off", 5);
    List<JsonNode> acks;
    try (WsConnection socket = openSocket(f.alice())) {
      acks = sendAll(socket, frames);
    }
    assertThat(seqs(acks)).containsExactlyElementsOf(seqRange(known + 1, known + 5));

    List<JsonNode> missed = client.history(f.bob(), f.conversationId(), "afterSeq=" + known);
    assertThat(seqs(missed))
        .as("what bob missed")
        .containsExactlyElementsOf(seqRange(known + 1, known + 5));
    for (int i = 0; i < 5; i++) {
      assertMessage(missed.get(i), acks.get(i), frames.get(i), f.alice());
    }
    assertThat(seqs(client.history(f.bob(), f.conversationId(), "afterSeq=" + (known + 3))))
        .containsExactly(known + 4, known + 5);
    assertThat(client.history(f.bob(), f.conversationId(), "afterSeq=" + (known + 5))).isEmpty();
  }

  @Test
  void historyPagesForwardByAfterSeqAndBackByBeforeSeq() {
    Friends f = friends("hp");
    List<JsonNode> acks;
    try (WsConnection socket = openSocket(f.alice())) {
      acks = sendAll(socket, texts(f.conversationId(), "hp", 12));
    }
    long s = acks.get(0).path("seq").asLong();
    String c = f.conversationId();

    // Forward, as a client that catches up page by page.
    assertThat(seqs(client.history(f.bob(), c, "afterSeq=" + (s - 1) + "&limit=5")))
        .containsExactlyElementsOf(seqRange(s, s + 4));
    assertThat(seqs(client.history(f.bob(), c, "afterSeq=" + (s + 4) + "&limit=5")))
        .containsExactlyElementsOf(seqRange(s + 5, s + 9));
    assertThat(seqs(client.history(f.bob(), c, "afterSeq=" + (s + 9) + "&limit=5")))
        .containsExactly(s + 10, s + 11);
    assertThat(client.history(f.bob(), c, "afterSeq=" + (s + 11) + "&limit=5")).isEmpty();

    // Back, as a client that scrolls up; every page ascending.
    assertThat(seqs(client.history(f.bob(), c, "beforeSeq=" + (s + 12) + "&limit=5")))
        .containsExactlyElementsOf(seqRange(s + 7, s + 11));
    assertThat(seqs(client.history(f.bob(), c, "beforeSeq=" + (s + 7) + "&limit=5")))
        .containsExactlyElementsOf(seqRange(s + 2, s + 6));
    List<Long> oldest = seqs(client.history(f.bob(), c, "beforeSeq=" + (s + 2) + "&limit=5"));
    assertThat(oldest).hasSizeLessThanOrEqualTo(5).isSorted().endsWith(s, s + 1);
    assertThat(oldest).allMatch(seq -> seq < s + 2);

    // Without afterSeq/beforeSeq: the newest page.
    assertThat(seqs(client.history(f.bob(), c, "limit=3")))
        .containsExactlyElementsOf(seqRange(s + 9, s + 11));

    // Every member sees the same messages in the same order.
    assertThat(messageIds(client.history(f.alice(), c, "afterSeq=" + (s - 1) + "&limit=12")))
        .containsExactlyElementsOf(messageIds(acks));
    assertThat(messageIds(client.history(f.bob(), c, "afterSeq=" + (s - 1) + "&limit=12")))
        .containsExactlyElementsOf(messageIds(acks));
  }

  @Test
  void deliveredAndReadReceiptsReachTheSender() {
    Friends f = friends("rc");
    try (WsConnection sender = openSocket(f.alice());
        WsConnection recipient = openSocket(f.bob()).autoRecv()) {
      List<JsonNode> acks = sendAll(sender, texts(f.conversationId(), "rc", 3));
      long last = acks.get(2).path("seq").asLong();
      recipient.awaitFrames("the 3 messages", messageOf(f.conversationId()), 3, PUSH);

      JsonNode delivered =
          sender.awaitFrame(
              "a `receipt` from bob with deliveredSeq >= " + last,
              r ->
                  "receipt".equals(r.path("type").asString())
                      && f.conversationId().equals(r.path("conversationId").asString())
                      && id(f.bob()).equals(r.path("userId").asString())
                      && r.path("deliveredSeq").asLong(0) >= last,
              PUSH);
      assertThat(delivered.path("deliveredSeq").asLong()).isEqualTo(last);

      recipient.read(f.conversationId(), last);
      JsonNode read =
          sender.awaitFrame(
              "a `receipt` from bob with readSeq >= " + last,
              r ->
                  "receipt".equals(r.path("type").asString())
                      && f.conversationId().equals(r.path("conversationId").asString())
                      && id(f.bob()).equals(r.path("userId").asString())
                      && r.path("readSeq").asLong(0) >= last,
              PUSH);
      assertThat(read.path("readSeq").asLong()).isEqualTo(last);

      await("bob's readSeq in his conversation list")
          .atMost(ParleyClient.EVENTUAL)
          .pollInterval(Duration.ofMillis(300))
          .untilAsserted(
              () -> {
                JsonNode entry =
                    client.conversationEntry(f.bob(), f.conversationId()).orElseThrow();
                assertThat(entry.path("readSeq").asLong()).as("%s", entry).isEqualTo(last);
                assertThat(entry.path("unread").asLong()).as("%s", entry).isZero();
              });
    }
  }

  @Test
  void aPushNotCoveredByRecvComesAgain() {
    Friends f = friends("rd");
    try (WsConnection sender = openSocket(f.alice());
        WsConnection recipient = openSocket(f.bob())) { // never sends `recv`
      JsonNode ack = sendOne(sender, textFrame(clientMsgId("rd"), f.conversationId(), "again?"));
      long seq = ack.path("seq").asLong();
      JsonNode first =
          recipient.awaitFrame("the push of seq " + seq, messageOf(f.conversationId(), seq), PUSH);
      List<JsonNode> both =
          recipient.awaitFrames(
              "the push of seq " + seq + " again",
              messageOf(f.conversationId(), seq),
              2,
              REDELIVERY);
      JsonNode again = both.get(1);
      assertThat(first.path("messageId").asString()).isEqualTo(ack.path("messageId").asString());
      for (String member : List.of("messageId", "seq", "senderId", "clientMsgId", "kind", "body")) {
        assertThat(again.path(member))
            .as("%s of the pushed-again %s", member, again)
            .isEqualTo(first.path(member));
      }
      recipient.recv(f.conversationId(), seq);
    }
  }

  /** A {@code send} that must be refused, and the codes a careful client would accept. */
  private record Bad(String what, String kind, Object body, Set<String> codes) {}

  @Test
  void everyBadKindOrBodyGetsAnErrorWithItsId() {
    Friends f = friends("bad");
    String c = f.conversationId();
    Set<String> invalid = Set.of("validation_failed");
    Set<String> serverOnly = Set.of("validation_failed", "forbidden");
    Map<String, Object> tooBig = Map.of("data", "x".repeat(17 * 1024)); // over 16 KiB
    List<Bad> bad =
        List.of(
            new Bad("unknown kind", "hologram", Map.of("text", "hi"), invalid),
            new Bad("no kind", null, Map.of("text", "hi"), invalid),
            new Bad("kind system", "system", Map.of("text", "I am the server"), serverOnly),
            new Bad("kind recall", "recall", Map.of("messageId", "m1"), serverOnly),
            new Bad("text of 4001 characters", "text", Map.of("text", "y".repeat(4001)), invalid),
            new Bad("empty text", "text", Map.of("text", ""), invalid),
            new Bad("text without text", "text", Map.of(), invalid),
            new Bad("text that is a number", "text", Map.of("text", 42), invalid),
            new Bad("emoji missing", "emoji", Map.of(), invalid),
            new Bad(
                "image without mediaId",
                "image",
                Map.of("width", 10, "height", 10),
                Set.of("media_not_found", "validation_failed")),
            new Bad(
                "image of an unknown upload",
                "image",
                Map.of("mediaId", "no-such-upload-" + UUID.randomUUID(), "width", 10, "height", 10),
                Set.of("media_not_found")),
            new Bad(
                "voice without mediaId",
                "voice",
                Map.of("durationMs", 1000),
                Set.of("media_not_found", "validation_failed")),
            new Bad(
                "file without mediaId",
                "file",
                Map.of("name", "a.txt", "size", 3),
                Set.of("media_not_found", "validation_failed")),
            new Bad("location with lat 91", "location", Map.of("lat", 91.0, "lng", 0.0), invalid),
            new Bad(
                "location with lng -181", "location", Map.of("lat", 0.0, "lng", -181.0), invalid),
            new Bad("location without lng", "location", Map.of("lat", 10.0), invalid),
            new Bad("custom over 16 KiB", "custom", tooBig, invalid),
            new Bad("custom body that is an array", "custom", List.of(1, 2), invalid),
            new Bad("body that is a string", "text", "hello", invalid),
            new Bad("body that is an array", "text", List.of("hello"), invalid),
            new Bad("no body", "text", null, invalid));

    try (WsConnection socket = openSocket(f.alice())) {
      // Valid sends of each kind that needs no upload: these are stored.
      List<Map<String, Object>> valid =
          List.of(
              textFrame(clientMsgId("ok"), c, "z".repeat(4000)),
              sendFrame(clientMsgId("ok"), c, "emoji", Map.of("emoji", "👍")),
              sendFrame(
                  clientMsgId("ok"),
                  c,
                  "location",
                  Map.of("lat", -33.86, "lng", 151.21, "label", "Sydney")),
              sendFrame(
                  clientMsgId("ok"), c, "custom", Map.of("card", Map.of("title", "t", "n", 1))));
      List<JsonNode> acks = sendAll(socket, valid);
      long s = acks.get(0).path("seq").asLong();
      assertThat(seqs(acks)).containsExactlyElementsOf(seqRange(s, s + 3));

      List<Map<String, Object>> frames =
          bad.stream().map(b -> sendFrame(clientMsgId("bad"), c, b.kind(), b.body())).toList();
      List<JsonNode> answers = socket.pipeline(frames, ANSWER);
      SoftAssertions softly = new SoftAssertions();
      for (int i = 0; i < bad.size(); i++) {
        JsonNode answer = answers.get(i);
        String what = bad.get(i).what() + " -> " + answer;
        softly.assertThat(answer.path("type").asString()).as(what).isEqualTo("error");
        softly.assertThat(answer.path("id").asString()).as(what).isEqualTo(frames.get(i).get("id"));
        softly.assertThat(answer.path("code").asString()).as(what).isIn(bad.get(i).codes());
        softly.assertThat(answer.path("message").asString("")).as(what).isNotBlank();
      }
      softly.assertAll();

      // The socket stays open and nothing was stored for the refused sends.
      JsonNode after = sendOne(socket, textFrame(clientMsgId("ok"), c, "still here"));
      assertThat(after.path("seq").asLong()).as("the seq after the refusals").isEqualTo(s + 4);
      List<JsonNode> stored = client.history(f.bob(), c, "afterSeq=" + (s - 1));
      assertThat(stored.stream().map(m -> m.path("kind").asString()).toList())
          .containsExactly("text", "emoji", "location", "custom", "text");
      assertThat(stored.get(1).path("body").path("emoji").asString()).isEqualTo("👍");
      assertThat(stored.get(2).path("body").path("lat").asDouble()).isEqualTo(-33.86);
      assertThat(stored.get(3).path("body").path("card").path("title").asString()).isEqualTo("t");
    }
  }

  @Test
  void aNonMemberGetsAnErrorOnSendAndNotFoundOnHistory() {
    Friends f = friends("nm");
    Session carol = client.newUser("nmC");
    try (WsConnection socket = openSocket(carol)) {
      for (String conversation : List.of(f.conversationId(), "no-such-conversation")) {
        String id = clientMsgId("nm");
        JsonNode answer =
            socket.sendAndAwaitAnswer(textFrame(id, conversation, "let me in"), ANSWER);
        assertThat(answer.path("type").asString()).as("%s", answer).isEqualTo("error");
        assertThat(answer.path("id").asString()).isEqualTo(id);
        assertThat(answer.path("code").asString()).as("%s", answer).isEqualTo("not_member");

        client
            .get(ParleyClient.historyPath(conversation, ""), carol.accessToken())
            .expectProblem(404, "not_member");
        client
            .get(ParleyClient.historyPath(conversation, "afterSeq=0"), carol.accessToken())
            .expectProblem(404, "not_member");
        Response rest =
            client.postMessage(
                carol, conversation, clientMsgId("nm"), "text", Map.of("text", "hi"));
        assertThat(rest.status()).as(rest.raw()).isIn(403, 404);
        rest.expectProblem(rest.status(), "not_member");
      }
    }
    assertThat(client.history(f.alice(), f.conversationId(), ""))
        .as("nothing from carol")
        .noneMatch(m -> id(carol).equals(m.path("senderId").asString()));
  }

  @Test
  void onlyTheSenderRecallsAndTheBodyIsGoneAfterwards() {
    Friends f = friends("rcl");
    String secret = "secret-" + UUID.randomUUID();
    try (WsConnection sender = openSocket(f.alice());
        WsConnection recipient = openSocket(f.bob()).autoRecv()) {
      JsonNode ack = sendOne(sender, textFrame(clientMsgId("rcl"), f.conversationId(), secret));
      String messageId = ack.path("messageId").asString();
      long seq = ack.path("seq").asLong();
      recipient.awaitFrame("the message", messageOf(f.conversationId(), seq), PUSH);

      client
          .post("/api/messages/" + messageId + "/recall", null, f.bob().accessToken())
          .expectProblem(403);

      Response recalled =
          client.post("/api/messages/" + messageId + "/recall", null, f.alice().accessToken());
      assertThat(recalled.status()).as(recalled.raw()).isBetween(200, 204);

      JsonNode announcement =
          recipient.awaitFrame(
              "a `recall` message",
              messageOf(f.conversationId()).and(m -> "recall".equals(m.path("kind").asString())),
              PUSH);
      assertThat(announcement.path("seq").asLong()).as("the recall's own seq").isEqualTo(seq + 1);
      assertThat(announcement.path("senderId").asString()).isEqualTo(id(f.alice()));
      assertThat(announcement.toString()).as("the recall announcement").doesNotContain(secret);

      for (Session member : List.of(f.alice(), f.bob())) {
        List<JsonNode> history =
            client.history(member, f.conversationId(), "afterSeq=" + (seq - 1));
        assertThat(seqs(history)).containsExactly(seq, seq + 1);
        JsonNode original = history.get(0);
        assertThat(original.path("messageId").asString()).isEqualTo(messageId);
        assertThat(bodyIsGone(original)).as("body of the recalled %s", original).isTrue();
        assertThat(original.path("recalledAt").asString(""))
            .as("recalledAt of %s", original)
            .isNotBlank();
        assertThat(history.get(1).path("kind").asString()).isEqualTo("recall");

        Response page =
            client.get(ParleyClient.historyPath(f.conversationId(), ""), member.accessToken());
        assertThat(page.raw()).as("history after the recall").doesNotContain(secret);
        Response list = client.get("/api/conversations", member.accessToken());
        assertThat(list.raw()).as("conversation list after the recall").doesNotContain(secret);
      }
    }
  }

  @Test
  void afterUnfriendingASendIsRefusedWithNotFriends() {
    Friends f = friends("uf");
    try (WsConnection alice = openSocket(f.alice());
        WsConnection bob = openSocket(f.bob())) {
      sendOne(alice, textFrame(clientMsgId("uf"), f.conversationId(), "while friends"));

      client.delete("/api/friends/" + id(f.bob()), f.alice().accessToken()).expectStatus(204);

      awaitRefusal(alice, f.conversationId(), "not_friends");
      awaitRefusal(bob, f.conversationId(), "not_friends");
    }
  }

  @Test
  void aSendToSomeoneWhoBlockedYouIsRefusedWithBlocked() {
    Friends f = friends("bl");
    try (WsConnection alice = openSocket(f.alice())) {
      sendOne(alice, textFrame(clientMsgId("bl"), f.conversationId(), "before the block"));

      client.put("/api/blocks/" + id(f.alice()), null, f.bob().accessToken()).expectStatus(204);

      awaitRefusal(alice, f.conversationId(), "blocked");
    }
  }
}
