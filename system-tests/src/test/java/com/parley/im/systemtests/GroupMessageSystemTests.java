package com.parley.im.systemtests;

import static com.parley.im.systemtests.ParleyClient.clientMsgId;
import static com.parley.im.systemtests.ParleyClient.openSocket;
import static com.parley.im.systemtests.ParleyClient.seqRange;
import static com.parley.im.systemtests.ParleyClient.seqs;
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
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Group conversations through the gateway, by a client written from PROTOCOL.md alone: creation and
 * membership changes recorded as {@code system} messages with their own seqs, one gapless order for
 * concurrent senders that every member sees and history returns, removal, and the conversation list
 * with its sync token. Group members are friends of the user who adds them.
 */
@ExtendWith(RunningSystem.class)
class GroupMessageSystemTests {

  private static final Duration ANSWER = Duration.ofSeconds(30);
  private static final Duration PUSH = Duration.ofSeconds(30);

  private final ParleyClient client = new ParleyClient();

  private static String id(Session session) {
    return session.account().id();
  }

  /** A conversation's id in a response: {@code id}, or {@code conversationId}. */
  private static String conversationId(JsonNode conversation) {
    return conversation.path("id").asString(conversation.path("conversationId").asString(""));
  }

  /** Fresh users who are all friends of {@code owner} (their direct conversations exist). */
  private List<Session> friendsOf(Session owner, String prefix, int n) {
    List<Session> friends = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Session friend = client.newUser(prefix + i);
      client.directConversationOfNewFriends(owner, friend);
      friends.add(friend);
    }
    return friends;
  }

  /**
   * {@code POST /api/groups}: 201 with the group. Repeated while message-service has not yet
   * learned a new friendship ({@code not_friends}), which travels by event.
   */
  private JsonNode createGroup(Session owner, String name, List<Session> members) {
    Map<String, Object> body =
        Map.of(
            "name", name, "memberIds", members.stream().map(GroupMessageSystemTests::id).toList());
    AtomicReference<Response> last = new AtomicReference<>();
    await("group " + name + " created")
        .atMost(ParleyClient.EVENTUAL)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              last.set(client.post("/api/groups", body, owner.accessToken()));
              return !"not_friends".equals(last.get().code());
            });
    JsonNode group = last.get().expectStatus(201).json();
    assertThat(conversationId(group)).as("the group's id in %s", group).isNotBlank();
    return group;
  }

  private static Predicate<JsonNode> messageOf(String conversationId) {
    return f ->
        "message".equals(f.path("type").asString())
            && conversationId.equals(f.path("conversationId").asString());
  }

  private static List<String> messageIds(List<JsonNode> messages) {
    return messages.stream().map(m -> m.path("messageId").asString()).toList();
  }

  private JsonNode entry(Session session, String conversationId) {
    return client.awaitConversationEntry(session, conversationId);
  }

  private static List<String> ids(JsonNode conversationsAnswer) {
    return conversationsAnswer
        .path("conversations")
        .valueStream()
        .map(c -> c.path("id").asString())
        .toList();
  }

  // ----------------------------------------------------------------------------------------------

  @Test
  void creatingAGroupRecordsSystemMessagesWithSeqsAndTellsTheMembers() {
    Session owner = client.newUser("gcO");
    List<Session> members = friendsOf(owner, "gcM", 3);
    String name = "Trip " + UUID.randomUUID().toString().substring(0, 8);

    JsonNode group;
    String g;
    try (WsConnection memberSocket = openSocket(members.get(0))) {
      group = createGroup(owner, name, members);
      g = conversationId(group);
      JsonNode notice =
          memberSocket.awaitFrame(
              "a `conversation` frame for the new group",
              f ->
                  "conversation".equals(f.path("type").asString())
                      && g.equals(f.path("conversationId").asString()),
              PUSH);
      assertThat(notice).isNotNull();
    }
    assertThat(group.path("name").asString()).as("name in %s", group).isEqualTo(name);
    assertThat(group.path("memberCount").asInt()).as("memberCount in %s", group).isEqualTo(4);

    List<JsonNode> system = client.history(owner, g, "");
    assertThat(system).as("the creation is recorded").isNotEmpty();
    assertThat(system).allMatch(m -> "system".equals(m.path("kind").asString()));
    long k = system.size();
    assertThat(seqs(system)).as("system messages' seqs").containsExactlyElementsOf(seqRange(1, k));
    assertThat(messageIds(system)).allMatch(s -> !s.isBlank()).doesNotHaveDuplicates();

    JsonNode ownerView = entry(owner, g);
    assertThat(ownerView.path("type").asString()).isEqualTo("group");
    assertThat(ownerView.path("name").asString()).isEqualTo(name);
    assertThat(ownerView.path("memberCount").asInt()).isEqualTo(4);
    assertThat(ownerView.path("lastSeq").asLong()).isEqualTo(k);

    for (Session member : members) {
      JsonNode view = entry(member, g);
      assertThat(view.path("lastSeq").asLong()).as("%s", view).isEqualTo(k);
      List<Long> visible = seqs(client.history(member, g, ""));
      assertThat(visible).as("a member's history: a gapless run up to the newest").isNotEmpty();
      assertThat(visible).containsExactlyElementsOf(seqRange(visible.get(0), k));
    }
  }

  @Test
  void twoConcurrentSendersReachAllMembersInOneGaplessOrderEqualToHistory() throws Exception {
    Session owner = client.newUser("gsO");
    List<Session> members = friendsOf(owner, "gsM", 3);
    Session a = members.get(0);
    Session b = members.get(1);
    Session c = members.get(2);
    String g = conversationId(createGroup(owner, "Concurrent", members));
    long k = entry(owner, g).path("lastSeq").asLong(); // the system messages

    Session aTablet = client.anotherDevice(a);
    Session bTablet = client.anotherDevice(b);
    ExecutorService senders = Executors.newFixedThreadPool(2);
    try (WsConnection aSender = openSocket(a);
        WsConnection bSender = openSocket(b);
        WsConnection ownerSocket = openSocket(owner).autoRecv();
        WsConnection cSocket = openSocket(c).autoRecv();
        WsConnection aOther = openSocket(aTablet).autoRecv();
        WsConnection bOther = openSocket(bTablet).autoRecv()) {
      List<Map<String, Object>> aFrames = new ArrayList<>();
      List<Map<String, Object>> bFrames = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        aFrames.add(textFrame(clientMsgId("ga" + i), g, "from a " + i));
        bFrames.add(textFrame(clientMsgId("gb" + i), g, "from b " + i));
      }
      CountDownLatch start = new CountDownLatch(1);
      Future<List<JsonNode>> aAcks =
          senders.submit(
              () -> {
                start.await(30, TimeUnit.SECONDS);
                return aSender.pipeline(aFrames, ANSWER);
              });
      Future<List<JsonNode>> bAcks =
          senders.submit(
              () -> {
                start.await(30, TimeUnit.SECONDS);
                return bSender.pipeline(bFrames, ANSWER);
              });
      start.countDown();
      List<JsonNode> acksOfA = aAcks.get(120, TimeUnit.SECONDS);
      List<JsonNode> acksOfB = bAcks.get(120, TimeUnit.SECONDS);

      assertThat(acksOfA).allMatch(x -> "ack".equals(x.path("type").asString()), "all acks");
      assertThat(acksOfB).allMatch(x -> "ack".equals(x.path("type").asString()), "all acks");
      assertThat(seqs(acksOfA))
          .as("a's seqs follow a's send order")
          .isSorted()
          .doesNotHaveDuplicates();
      assertThat(seqs(acksOfB))
          .as("b's seqs follow b's send order")
          .isSorted()
          .doesNotHaveDuplicates();
      List<Long> all = new ArrayList<>(seqs(acksOfA));
      all.addAll(seqs(acksOfB));
      assertThat(all.stream().sorted().toList())
          .as("40 seqs after the system messages, no gaps")
          .containsExactlyElementsOf(seqRange(k + 1, k + 40));

      List<JsonNode> stored = client.history(owner, g, "afterSeq=" + k + "&limit=200");
      assertThat(seqs(stored)).containsExactlyElementsOf(seqRange(k + 1, k + 40));
      List<String> order = messageIds(stored);
      List<String> acked = new ArrayList<>(messageIds(acksOfA));
      acked.addAll(messageIds(acksOfB));
      assertThat(order).containsExactlyInAnyOrderElementsOf(acked);
      for (Session member : members) {
        assertThat(messageIds(client.history(member, g, "afterSeq=" + k + "&limit=200")))
            .as("%s's history", member.account().username())
            .containsExactlyElementsOf(order);
      }

      Map<String, WsConnection> receivers = new LinkedHashMap<>();
      receivers.put("the owner", ownerSocket);
      receivers.put("c", cSocket);
      receivers.put("a's other device", aOther);
      receivers.put("b's other device", bOther);
      for (Map.Entry<String, WsConnection> receiver : receivers.entrySet()) {
        List<JsonNode> got =
            receiver
                .getValue()
                .awaitFrames(
                    "the 40 `message` frames on " + receiver.getKey(),
                    messageOf(g).and(m -> m.path("seq").asLong() > k),
                    40,
                    PUSH);
        assertThat(messageIds(got))
            .as("what %s received, in arrival order, against history's order", receiver.getKey())
            .containsExactlyElementsOf(order);
      }
    } finally {
      senders.shutdownNow();
    }
  }

  @Test
  void aRemovedMemberStopsReceivingAndCannotReadTheGroup() {
    Session owner = client.newUser("grO");
    List<Session> members = friendsOf(owner, "grM", 2);
    Session a = members.get(0);
    Session b = members.get(1);
    String g = conversationId(createGroup(owner, "Removal", members));

    try (WsConnection ownerSocket = openSocket(owner).autoRecv();
        WsConnection aSocket = openSocket(a);
        WsConnection bSocket = openSocket(b).autoRecv()) {
      JsonNode before =
          aSocket.sendAndAwaitAnswer(textFrame(clientMsgId("gr"), g, "hi all"), ANSWER);
      assertThat(before.path("type").asString()).as("%s", before).isEqualTo("ack");
      long beforeSeq = before.path("seq").asLong();
      bSocket.awaitFrame(
          "the message while a member",
          messageOf(g).and(m -> m.path("seq").asLong() == beforeSeq),
          PUSH);

      Response removed =
          client.delete("/api/groups/" + g + "/members/" + id(b), owner.accessToken());
      assertThat(removed.status()).as(removed.raw()).isIn(200, 204);

      List<JsonNode> newest = client.history(owner, g, "afterSeq=" + beforeSeq);
      assertThat(newest).as("the removal is recorded").hasSize(1);
      assertThat(newest.get(0).path("kind").asString()).isEqualTo("system");
      assertThat(newest.get(0).path("seq").asLong()).isEqualTo(beforeSeq + 1);
      aSocket.awaitFrame(
          "a `conversation` frame about the removal for the remaining member",
          f ->
              "conversation".equals(f.path("type").asString())
                  && g.equals(f.path("conversationId").asString()),
          PUSH);

      JsonNode after =
          aSocket.sendAndAwaitAnswer(textFrame(clientMsgId("gr"), g, "b is gone"), ANSWER);
      assertThat(after.path("type").asString()).as("%s", after).isEqualTo("ack");
      long afterSeq = after.path("seq").asLong();
      ownerSocket.awaitFrame(
          "the message after the removal",
          messageOf(g).and(m -> m.path("seq").asLong() == afterSeq),
          PUSH);
      try {
        await("nothing new reaches the removed member")
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(15))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () ->
                    bSocket
                        .frames(messageOf(g).and(m -> m.path("seq").asLong() >= afterSeq))
                        .isEmpty());
      } catch (ConditionTimeoutException e) {
        throw new AssertionError("the removed member received " + bSocket.frames(messageOf(g)), e);
      }

      client.get(ParleyClient.historyPath(g, ""), b.accessToken()).expectProblem(404, "not_member");
      client
          .get(ParleyClient.historyPath(g, "afterSeq=0"), b.accessToken())
          .expectProblem(404, "not_member");
      String id = clientMsgId("gr");
      JsonNode refused = bSocket.sendAndAwaitAnswer(textFrame(id, g, "let me back"), ANSWER);
      assertThat(refused.path("type").asString()).as("%s", refused).isEqualTo("error");
      assertThat(refused.path("id").asString()).isEqualTo(id);
      assertThat(refused.path("code").asString()).isEqualTo("not_member");
    }
  }

  @Test
  void theConversationListShowsPositionsAndTheSyncTokenReturnsOnlyChangedConversations() {
    Session owner = client.newUser("glO");
    Session a = client.newUser("glA");
    String direct = client.directConversationOfNewFriends(owner, a);
    List<Session> others = friendsOf(owner, "glM", 1);
    String name = "List " + UUID.randomUUID().toString().substring(0, 8);
    String g = conversationId(createGroup(owner, name, List.of(a, others.get(0))));
    long k = entry(owner, g).path("lastSeq").asLong();

    JsonNode last = null;
    for (int i = 0; i < 3; i++) {
      last =
          client
              .postMessage(a, g, clientMsgId("gl"), "text", Map.of("text", "news " + i))
              .expectStatus(201)
              .json();
      assertThat(last.path("seq").asLong()).isEqualTo(k + 1 + i);
    }
    long lastSeq = k + 3;
    String lastMessageId = last.path("messageId").asString();

    JsonNode view = entry(owner, g);
    assertThat(view.path("type").asString()).isEqualTo("group");
    assertThat(view.path("name").asString()).isEqualTo(name);
    assertThat(view.path("memberCount").asInt()).isEqualTo(3);
    assertThat(view.path("lastSeq").asLong()).as("%s", view).isEqualTo(lastSeq);
    assertThat(view.path("readSeq").asLong()).as("%s", view).isLessThanOrEqualTo(k);
    assertThat(view.path("unread").asLong())
        .as("unread = lastSeq - readSeq in %s", view)
        .isEqualTo(lastSeq - view.path("readSeq").asLong())
        .isGreaterThanOrEqualTo(3);
    assertThat(view.path("lastMessage").path("messageId").asString())
        .as("%s", view)
        .isEqualTo(lastMessageId);
    assertThat(view.path("lastMessage").path("seq").asLong()).isEqualTo(lastSeq);
    assertThat(view.path("lastMessage").path("body").path("text").asString()).isEqualTo("news 2");
    assertThat(view.path("muted").asBoolean(true)).as("muted of %s", view).isFalse();
    assertThat(Instant.parse(view.path("updatedAt").asString())).isNotNull();

    await("sending moves the sender's readSeq")
        .atMost(ParleyClient.EVENTUAL)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              JsonNode senderView = entry(a, g);
              assertThat(senderView.path("readSeq").asLong())
                  .as("%s", senderView)
                  .isEqualTo(lastSeq);
              assertThat(senderView.path("unread").asLong()).as("%s", senderView).isZero();
            });

    Response read =
        client.post(
            "/api/conversations/" + g + "/read", Map.of("seq", lastSeq), owner.accessToken());
    assertThat(read.status()).as(read.raw()).isIn(200, 204);
    await("the owner's readSeq moved")
        .atMost(ParleyClient.EVENTUAL)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              JsonNode ownerView = entry(owner, g);
              assertThat(ownerView.path("readSeq").asLong()).as("%s", ownerView).isEqualTo(lastSeq);
              assertThat(ownerView.path("unread").asLong()).as("%s", ownerView).isZero();
            });
    Response backwards =
        client.post("/api/conversations/" + g + "/read", Map.of("seq", 1), owner.accessToken());
    assertThat(backwards.status()).as(backwards.raw()).isIn(200, 204);
    assertThat(entry(owner, g).path("readSeq").asLong()).as("never backwards").isEqualTo(lastSeq);

    // The sync token: after it, only the conversation that changed.
    JsonNode everything = client.conversations(owner, null);
    assertThat(ids(everything)).contains(g, direct);
    String token = everything.path("syncToken").asString("");
    assertThat(token).as("syncToken in %s", everything).isNotBlank();

    JsonNode newer =
        client
            .postMessage(a, g, clientMsgId("gl"), "text", Map.of("text", "one more"))
            .expectStatus(201)
            .json();
    JsonNode changed = client.conversations(owner, token);
    assertThat(ids(changed)).as("changed since the token").contains(g).doesNotContain(direct);
    JsonNode changedGroup =
        changed
            .path("conversations")
            .valueStream()
            .filter(x -> g.equals(x.path("id").asString()))
            .findFirst()
            .orElseThrow();
    assertThat(changedGroup.path("lastSeq").asLong()).isEqualTo(newer.path("seq").asLong());
    assertThat(changedGroup.path("unread").asLong()).isEqualTo(1);
    assertThat(changed.path("syncToken").asString("")).as("a new token").isNotBlank();
    assertThat(ids(client.conversations(owner, changed.path("syncToken").asString())))
        .as("nothing changed since the new token")
        .doesNotContain(direct);
  }
}
