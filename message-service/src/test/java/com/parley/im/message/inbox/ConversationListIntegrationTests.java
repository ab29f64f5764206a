package com.parley.im.message.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.message.group.GroupTestBase;
import com.parley.im.message.store.NewMessage;
import com.parley.im.protocol.ConversationIds;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpMethod;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

class ConversationListIntegrationTests extends GroupTestBase {

  @Autowired ReactiveTransactionManager transactions;

  @Value("${spring.flyway.url}")
  String jdbcUrl;

  @Value("${spring.flyway.user}")
  String jdbcUser;

  @Value("${spring.flyway.password:}")
  String jdbcPassword;

  @Test
  void theListShowsPositionsUnreadAndTheLastMessageOfEachConversation() {
    User alice = user();
    User bob = user();
    String direct = befriend(alice, bob);
    String group = (String) createGroup(alice, "Team", bob).get("id");
    store(direct, bob, "first");
    store(direct, bob, "second");

    List<Map<String, Object>> mine = conversations(list(alice, null));
    assertThat(mine).extracting(c -> c.get("id")).containsExactly(direct, group);
    Map<String, Object> d = mine.get(0);
    assertThat(d)
        .containsEntry("type", "direct")
        .containsEntry("peerId", bob.id())
        .containsEntry("memberCount", 2)
        .containsEntry("lastSeq", 2)
        .containsEntry("readSeq", 0)
        .containsEntry("unread", 2)
        .containsEntry("muted", false)
        .containsKeys("name", "updatedAt")
        .doesNotContainKey("removed");
    assertThat((Map<String, Object>) d.get("lastMessage"))
        .containsEntry("seq", 2)
        .containsEntry("senderId", bob.id())
        .containsEntry("kind", "text")
        .containsEntry("body", Map.of("text", "second"))
        .containsEntry("conversationId", direct)
        .containsKeys("messageId", "createdAt", "clientMsgId", "senderDeviceId");
    Map<String, Object> g = mine.get(1);
    assertThat(g)
        .containsEntry("type", "group")
        .containsEntry("name", "Team")
        .containsEntry("memberCount", 2)
        .containsEntry("lastSeq", 1)
        .containsEntry("readSeq", 1)
        .containsEntry("unread", 0)
        .doesNotContainKey("peerId");
    assertThat((Map<String, Object>) g.get("lastMessage")).containsEntry("kind", "system");

    // Sending moved bob's read position; the group's system message is unread for him.
    Map<String, Map<String, Object>> bobs = byId(conversations(list(bob, null)));
    assertThat(bobs.get(direct)).containsEntry("readSeq", 2).containsEntry("unread", 0);
    assertThat(bobs.get(direct)).containsEntry("peerId", alice.id());
    assertThat(bobs.get(group)).containsEntry("readSeq", 0).containsEntry("unread", 1);
  }

  @Test
  void aSyncReturnsWhatChangedAndConversationsLeftAsRemoved() {
    User alice = user();
    User bob = user();
    User carol = user();
    befriend(alice, bob);
    befriend(alice, carol);
    String one = (String) createGroup(alice, "One", bob).get("id");
    String two = (String) createGroup(alice, "Two", carol).get("id");
    String aliceToken = settledToken(alice);
    String bobToken = settledToken(bob);
    assertThat(conversations(list(alice, aliceToken))).isEmpty();

    call(HttpMethod.PATCH, alice, Map.of("name", "One!"), "/api/groups/{id}", one)
        .expectStatus()
        .isOk();
    Map<String, Object> sync = list(alice, aliceToken);
    assertThat(conversations(sync)).extracting(c -> c.get("id")).containsExactly(one);
    assertThat(conversations(sync).get(0)).containsEntry("name", "One!");
    assertThat((String) sync.get("syncToken")).isNotBlank();

    // A stored message changes the conversation too.
    store(two, carol, "hello");
    assertThat(conversations(list(alice, aliceToken)))
        .extracting(c -> c.get("id"))
        .containsExactlyInAnyOrder(one, two);

    call(HttpMethod.DELETE, alice, null, "/api/groups/{id}/members/{u}", one, bob.id())
        .expectStatus()
        .isNoContent();
    List<Map<String, Object>> bobsSync = conversations(list(bob, bobToken));
    assertThat(bobsSync).extracting(c -> c.get("id")).containsExactly(one);
    assertThat(bobsSync.get(0))
        .containsEntry("removed", true)
        .containsEntry("unread", 0)
        .containsEntry("lastMessage", null);
    assertThat(conversations(list(bob, null)))
        .extracting(c -> c.get("id"))
        .doesNotContain(one)
        .contains(ConversationIds.direct(alice.id(), bob.id()));
  }

  /**
   * A transaction that changed a conversation but had not committed when the token was issued: the
   * list did not show its change, so the next sync must, whenever it commits.
   */
  @Test
  void aSyncNeverMissesAChangeOfATransactionRunningWhenTheTokenWasIssued() throws Exception {
    User alice = user();
    User bob = user();
    befriend(alice, bob);
    String group = (String) createGroup(alice, "Before", bob).get("id");
    String later = (String) createGroup(alice, "Later", bob).get("id");
    settledToken(alice);

    String token;
    try (Connection other = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword)) {
      other.setAutoCommit(false);
      try (PreparedStatement change =
          other.prepareStatement(
              "update conversation set name = 'During', updated_at = now(),"
                  + " change_xid = pg_current_xact_id() where id = ?")) {
        change.setString(1, group);
        assertThat(change.executeUpdate()).isEqualTo(1);
      }
      // A transaction that began later commits first (as concurrent sends do): the snapshot's
      // xmax passes the running one's id, so only the xmin keeps it in the sync.
      call(HttpMethod.PATCH, alice, Map.of("name", "Later!"), "/api/groups/{id}", later)
          .expectStatus()
          .isOk();
      Map<String, Object> during = list(alice, null);
      assertThat(byId(conversations(during)).get(group)).containsEntry("name", "Before");
      assertThat(byId(conversations(during)).get(later)).containsEntry("name", "Later!");
      token = (String) during.get("syncToken");
      other.commit();
    }

    List<Map<String, Object>> sync = conversations(list(alice, token));
    assertThat(byId(sync).get(group)).as("the change committed after the token").isNotNull();
    assertThat(byId(sync).get(group)).containsEntry("name", "During");
    // Once nothing older is running, a new token no longer returns it.
    assertThat(conversations(list(alice, settledToken(alice)))).isEmpty();
  }

  @Test
  void tokensThisServiceDidNotIssueAreRefused() {
    User alice = user();
    expectProblem(
        call(HttpMethod.GET, alice, null, "/api/conversations?since={t}", "bogus!"),
        400,
        "validation_failed");
    expectProblem(
        call(HttpMethod.GET, alice, null, "/api/conversations?since="), 400, "validation_failed");
  }

  @Test
  void openingADirectConversationAnswersItsListEntry() {
    User alice = user();
    User bob = user();
    User stranger = user();
    befriend(alice, bob);
    Map<String, Object> direct =
        json(
            call(HttpMethod.POST, alice, Map.of("peerId", bob.id()), "/api/conversations/direct"),
            200);
    assertThat(direct)
        .containsEntry("id", ConversationIds.direct(alice.id(), bob.id()))
        .containsEntry("type", "direct")
        .containsEntry("peerId", bob.id())
        .containsEntry("memberCount", 2)
        .containsEntry("unread", 0);
    expectProblem(
        call(HttpMethod.POST, alice, Map.of("peerId", stranger.id()), "/api/conversations/direct"),
        403,
        "not_friends");
    expectProblem(
        call(HttpMethod.POST, alice, Map.of("peerId", alice.id()), "/api/conversations/direct"),
        400,
        "validation_failed");
    expectProblem(
        call(HttpMethod.POST, alice, Map.of(), "/api/conversations/direct"),
        400,
        "validation_failed");
  }

  // --- helpers

  @Test
  void mutedFollowsUnreadServicesEventsNewestVersionFirst() {
    User alice = user();
    User bob = user();
    String direct = befriend(alice, bob);
    Map<String, Object> before = list(bob, null);
    String token = (String) before.get("syncToken");
    assertThat(byId(conversations(before)).get(direct)).containsEntry("muted", false);

    publish(
        com.parley.im.events.Destinations.CONVERSATION_MUTE_CHANGED,
        new com.parley.im.events.ConversationMuteChanged(
            "e-" + java.util.UUID.randomUUID(),
            java.time.Instant.now(),
            bob.id(),
            direct,
            true,
            5));
    // An older event that arrives late changes nothing.
    publish(
        com.parley.im.events.Destinations.CONVERSATION_MUTE_CHANGED,
        new com.parley.im.events.ConversationMuteChanged(
            "e-" + java.util.UUID.randomUUID(),
            java.time.Instant.now(),
            bob.id(),
            direct,
            false,
            3));
    awaitTrue(
        () -> Boolean.TRUE.equals(byId(conversations(list(bob, null))).get(direct).get("muted")));
    assertThat(byId(conversations(list(bob, token))).get(direct))
        .as("the change reaches devices that sync with a token")
        .containsEntry("muted", true);
    assertThat(byId(conversations(list(alice, null))).get(direct))
        .as("only bob muted it")
        .containsEntry("muted", false);
  }

  private Map<String, Object> list(User user, String since) {
    return since == null
        ? json(call(HttpMethod.GET, user, null, "/api/conversations"), 200)
        : json(call(HttpMethod.GET, user, null, "/api/conversations?since={t}", since), 200);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> conversations(Map<String, Object> page) {
    return (List<Map<String, Object>>) page.get("conversations");
  }

  private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> conversations) {
    Map<String, Map<String, Object>> byId = new java.util.HashMap<>();
    conversations.forEach(c -> byId.put((String) c.get("id"), c));
    return byId;
  }

  private void store(String conversationId, User sender, String text) {
    TransactionalOperator.create(transactions)
        .transactional(
            messageStore.append(
                List.of(
                    new NewMessage(
                        messageStore.newMessageId(),
                        conversationId,
                        sender.id(),
                        "phone",
                        "c-" + messageStore.newMessageId(),
                        "text",
                        Map.of("text", text)))))
        .block(WAIT);
  }

  /**
   * A token issued once no transaction that changed the user's rows so far is still seen as running
   * (the database's other sessions can hold the snapshot's xmin back for a moment), so that a sync
   * with it returns only later changes.
   */
  private String settledToken(User user) {
    BigInteger newest =
        db.sql(
                "select coalesce(max(x::text::numeric), 0)::text from ("
                    + " select c.change_xid as x from member m join conversation c"
                    + " on c.id = m.conversation_id where m.user_id = :u"
                    + " union all select change_xid from member where user_id = :u) s")
            .bind("u", user.id())
            .map(row -> new BigInteger(row.get(0, String.class)))
            .one()
            .block(WAIT);
    String[] token = new String[1];
    // The xmin is cluster-wide: a long transaction of any other database on this server holds it
    // back, hence the generous wait.
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              token[0] = (String) list(user, null).get("syncToken");
              return BigInteger.valueOf(SyncToken.decode(token[0]).xmin()).compareTo(newest) > 0;
            });
    return token[0];
  }
}
