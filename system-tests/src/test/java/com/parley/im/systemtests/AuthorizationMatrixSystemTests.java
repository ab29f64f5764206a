package com.parley.im.systemtests;

import static com.parley.im.systemtests.ParleyClient.clientMsgId;
import static com.parley.im.systemtests.ParleyClient.openSocket;
import static com.parley.im.systemtests.WsConnection.textFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Response;
import com.parley.im.systemtests.ParleyClient.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The authorization matrix (issue 8, item 6): every conversation-scoped endpoint and frame, asked
 * by each kind of caller who must not get in: a stranger, a member who was removed, a user who was
 * blocked, and a device whose session ended. Each must be refused with the documented answer
 * (docs/protocol.md): 404 {@code not_member} for strangers and removed members (a conversation they
 * are not in does not exist for them), 403 {@code blocked} for a blocked user's direct send, 401
 * for an ended session, and an {@code error} frame for frames. And nothing they tried may have
 * changed anything: the history the members see is the same afterwards.
 */
@ExtendWith(RunningSystem.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixSystemTests {

  private static final Duration ANSWER = Duration.ofSeconds(30);

  private final ParleyClient client = new ParleyClient();

  private Session owner;
  private Session member;
  private Session removed;
  private Session stranger;
  private Session blocked;
  private String group;
  private String direct;
  private String blockedDirect;
  private String ownerMessageId;

  @BeforeAll
  void setUp() {
    owner = client.newUser("azO");
    member = client.newUser("azM");
    removed = client.newUser("azR");
    stranger = client.newUser("azS");
    blocked = client.newUser("azB");
    direct = client.directConversationOfNewFriends(owner, member);
    client.directConversationOfNewFriends(owner, removed);
    blockedDirect = client.directConversationOfNewFriends(owner, blocked);
    group = createGroup(List.of(member, removed));
    client
        .delete("/api/groups/" + group + "/members/" + removed.account().id(), owner.accessToken())
        .expectStatus(204);
    client
        .put("/api/blocks/" + blocked.account().id(), null, owner.accessToken())
        .expectStatus(204);
    ownerMessageId =
        client
            .postMessage(owner, group, clientMsgId("az"), "text", Map.of("text", "members only"))
            .expectStatus(201)
            .json()
            .path("messageId")
            .asString();
  }

  private String createGroup(List<Session> members) {
    Map<String, Object> body =
        Map.of("name", "Matrix", "memberIds", members.stream().map(s -> s.account().id()).toList());
    AtomicReference<Response> last = new AtomicReference<>();
    await("the group is created")
        .atMost(ParleyClient.EVENTUAL)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              last.set(client.post("/api/groups", body, owner.accessToken()));
              return !"not_friends".equals(last.get().code());
            });
    return last.get().expectStatus(201).json().path("id").asString();
  }

  /** Every conversation-scoped REST call, for conversation {@code c}, as {@code caller}. */
  private Map<String, Function<Session, Response>> conversationCalls(String c) {
    Map<String, Function<Session, Response>> calls = new LinkedHashMap<>();
    calls.put("GET history", s -> client.get(ParleyClient.historyPath(c, ""), s.accessToken()));
    calls.put(
        "GET history afterSeq",
        s -> client.get(ParleyClient.historyPath(c, "afterSeq=0"), s.accessToken()));
    calls.put(
        "GET history beforeSeq",
        s -> client.get(ParleyClient.historyPath(c, "beforeSeq=100"), s.accessToken()));
    calls.put(
        "POST message",
        s -> client.postMessage(s, c, clientMsgId("az"), "text", Map.of("text", "let me in")));
    calls.put(
        "POST read",
        s -> client.post("/api/conversations/" + c + "/read", Map.of("seq", 1), s.accessToken()));
    calls.put("GET group", s -> client.get("/api/groups/" + c, s.accessToken()));
    calls.put(
        "PATCH group",
        s -> client.patch("/api/groups/" + c, Map.of("name", "taken over"), s.accessToken()));
    calls.put(
        "POST members",
        s ->
            client.post(
                "/api/groups/" + c + "/members",
                Map.of("userIds", List.of(blocked.account().id())),
                s.accessToken()));
    calls.put(
        "DELETE a member",
        s ->
            client.delete(
                "/api/groups/" + c + "/members/" + member.account().id(), s.accessToken()));
    calls.put(
        "PUT a role",
        s ->
            client.put(
                "/api/groups/" + c + "/members/" + s.account().id() + "/role",
                Map.of("role", "admin"),
                s.accessToken()));
    return calls;
  }

  @Test
  void strangersAndRemovedMembersFindNoConversationOnAnyEndpoint() {
    List<JsonNode> before = client.history(member, group, "afterSeq=0");
    List<String> wrong = new ArrayList<>();
    for (Session outsider : List.of(stranger, removed)) {
      conversationCalls(group)
          .forEach(
              (name, call) -> {
                Response answer = call.apply(outsider);
                if (answer.status() != 404 || !"not_member".equals(answer.code())) {
                  wrong.add(outsider.account().username() + " " + name + " -> " + answer.raw());
                }
              });
      conversationCalls(direct)
          .forEach(
              (name, call) -> {
                Response answer = call.apply(outsider);
                if (answer.status() != 404) {
                  wrong.add(
                      outsider.account().username() + " " + name + " (direct) -> " + answer.raw());
                }
              });
      Response recall =
          client.post("/api/messages/" + ownerMessageId + "/recall", null, outsider.accessToken());
      if (recall.status() < 400 || recall.status() >= 500) {
        wrong.add(outsider.account().username() + " recall -> " + recall.raw());
      }
    }
    assertThat(wrong).as("calls that were not refused as documented").isEmpty();
    assertThat(client.history(member, group, "afterSeq=0"))
        .as("the members' history is unchanged")
        .isEqualTo(before);
  }

  @Test
  void aBlockedUserCannotSendDirectlyToWhoBlockedThem() {
    client
        .postMessage(blocked, blockedDirect, clientMsgId("az"), "text", Map.of("text", "hello?"))
        .expectProblem(403, "blocked");
    try (WsConnection socket = openSocket(blocked)) {
      JsonNode answer =
          socket.sendAndAwaitAnswer(
              textFrame(clientMsgId("az"), blockedDirect, "hello again?"), ANSWER);
      assertThat(answer.path("type").asString()).as("%s", answer).isEqualTo("error");
      assertThat(answer.path("code").asString()).as("%s", answer).isEqualTo("blocked");
    }
    assertThat(client.history(owner, blockedDirect, "afterSeq=0"))
        .as("nothing of the blocked user's was stored")
        .noneMatch(m -> blocked.account().id().equals(m.path("senderId").asString()));
  }

  @Test
  void everyConversationFrameFromAnOutsiderIsAnsweredWithAnError() {
    for (Session outsider : List.of(stranger, removed)) {
      try (WsConnection socket = openSocket(outsider)) {
        String sendId = clientMsgId("azf");
        JsonNode send = socket.sendAndAwaitAnswer(textFrame(sendId, group, "in?"), ANSWER);
        assertThat(send.path("type").asString()).as("send: %s", send).isEqualTo("error");
        assertThat(send.path("code").asString()).as("send: %s", send).isEqualTo("not_member");
        for (String type : List.of("recv", "read", "typing")) {
          String id = "az-" + type;
          Map<String, Object> frame = new LinkedHashMap<>();
          frame.put("type", type);
          frame.put("id", id);
          frame.put("conversationId", group);
          if (!type.equals("typing")) {
            frame.put("seq", 1);
          }
          socket.send(frame);
          JsonNode error =
              socket.awaitFrame(
                  "an error for " + type,
                  f ->
                      "error".equals(f.path("type").asString())
                          && id.equals(f.path("id").asString()),
                  ANSWER);
          assertThat(error.path("code").asString())
              .as("%s: %s", type, error)
              .isEqualTo("not_member");
        }
      }
    }
  }

  @Test
  void aDeviceWhoseSessionEndedIsRefusedEverywhere() {
    Session phone = client.anotherDevice(member);
    Session laptop = client.anotherDevice(member);
    assertThat(client.logout(phone).status()).isIn(200, 204);

    await("the ended session's token is refused")
        .atMost(ParleyClient.EVENTUAL)
        .untilAsserted(() -> client.me(phone.accessToken()).expectProblem(401));
    List<String> wrong = new ArrayList<>();
    conversationCalls(group)
        .forEach(
            (name, call) -> {
              Response answer = call.apply(phone);
              if (answer.status() != 401) {
                wrong.add(name + " -> " + answer.raw());
              }
            });
    assertThat(wrong).as("calls with an ended session's token that got through").isEmpty();
    WsConnection.Attempt attempt =
        WsConnection.attempt(
            WsConnection.wsUri(""), Map.of("Authorization", "Bearer " + phone.accessToken()));
    assertThat(attempt.connection()).as("a socket for the ended session").isNull();
    // The other device of the same user is not affected.
    client.get(ParleyClient.historyPath(group, ""), laptop.accessToken()).expectStatus(200);
  }
}
