package com.parley.im.message.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.parley.im.defaults.ApiException;
import com.parley.im.events.Destinations;
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import com.parley.im.events.UserBlocked;
import com.parley.im.events.UserUnblocked;
import com.parley.im.protocol.ConversationIds;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import reactor.core.publisher.Mono;

class ConversationAccessIntegrationTests extends MessagingIntegrationTestBase {

  @Autowired
  @Qualifier("forgetFriendship")
  Consumer<FriendshipRemoved> forgetFriendship;

  @Autowired
  @Qualifier("rememberBlock")
  Consumer<UserBlocked> rememberBlock;

  @Autowired
  @Qualifier("forgetBlock")
  Consumer<UserUnblocked> forgetBlock;

  @Test
  @SuppressWarnings("unchecked")
  void anAcceptedFriendshipFromTheBrokerOpensTheDirectConversationOnce() {
    User a = user();
    User b = user();
    String id = ConversationIds.direct(a.id(), b.id());
    var changes = tap(Destinations.CONVERSATION_CHANGED);
    Instant now = Instant.now();
    FriendRequestAccepted accepted =
        new FriendRequestAccepted(
            UUID.randomUUID().toString(), now, "r1", a.id(), b.id(), now, false, null, null);

    publish(Destinations.FRIEND_REQUEST_ACCEPTED, accepted);

    Map<String, Object> created = changes.next("conversationId", id);
    assertThat(created)
        .containsEntry("change", "created")
        .containsEntry("conversationType", "direct");
    assertThat((List<Object>) created.get("memberIds")).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(access.requireMember(id, a.id()).block(WAIT)).isEqualTo(1L);
    assertThat(access.requireMember(id, b.id()).block(WAIT)).isEqualTo(1L);
    assertThat(access.activeMembers(id).block(WAIT)).containsExactlyInAnyOrder(a.id(), b.id());
    access.requireCanSend(id, a.id()).block(WAIT);
    access.requireCanSend(id, b.id()).block(WAIT);

    // A replay and a second acceptance (a new event for the same pair) create nothing more.
    rememberFriendship.accept(accepted);
    befriend(b, a);
    assertThat(count("select count(*) from conversation where id = '" + id + "'")).isEqualTo(1);
    assertThat(count("select count(*) from member where conversation_id = '" + id + "'"))
        .isEqualTo(2);
    assertThat(
            count(
                "select count(*) from outbox_event where destination = 'conversation-changed'"
                    + " and payload like '%"
                    + id
                    + "%'"))
        .isEqualTo(1);
  }

  @Test
  void unfriendingRefusesWithNotFriendsAndAnOlderAcceptanceDoesNotUndoIt() {
    User a = user();
    User b = user();
    Instant accepted = Instant.now().minusSeconds(10);
    String id = ConversationIds.direct(a.id(), b.id());
    rememberFriendship.accept(
        new FriendRequestAccepted(
            UUID.randomUUID().toString(),
            accepted,
            "r",
            a.id(),
            b.id(),
            accepted,
            false,
            null,
            null));
    forgetFriendship.accept(
        new FriendshipRemoved(
            UUID.randomUUID().toString(), Instant.now(), b.id(), a.id(), "unfriended"));

    expectRefusal(access.requireCanSend(id, a.id()), 403, "not_friends");
    expectRefusal(access.requireCanSend(id, b.id()), 403, "not_friends");
    // Still members: history stays readable.
    assertThat(access.requireMember(id, a.id()).block(WAIT)).isEqualTo(1L);

    // A late acceptance older than the removal changes nothing.
    rememberFriendship.accept(
        new FriendRequestAccepted(
            UUID.randomUUID().toString(),
            accepted.plusSeconds(1),
            "r",
            a.id(),
            b.id(),
            accepted,
            false,
            null,
            null));
    expectRefusal(access.requireCanSend(id, a.id()), 403, "not_friends");
    expectRefusal(access.openDirect(a.id(), b.id()), 403, "not_friends");

    // Friends again (newer): sending works in the same conversation.
    assertThat(befriend(a, b)).isEqualTo(id);
    access.requireCanSend(id, a.id()).block(WAIT);
  }

  @Test
  void theBlockedUserGetsBlockedAndTheBlockerNotFriends() {
    User blocker = user();
    User blocked = user();
    String id = befriend(blocker, blocked);
    Instant at = Instant.now();
    forgetFriendship.accept(
        new FriendshipRemoved(
            UUID.randomUUID().toString(), at, blocker.id(), blocked.id(), "blocked"));
    UserBlocked block =
        new UserBlocked(
            UUID.randomUUID().toString(), at, blocker.id(), blocked.id(), true, List.of());
    rememberBlock.accept(block);

    expectRefusal(access.requireCanSend(id, blocked.id()), 403, "blocked");
    expectRefusal(access.requireCanSend(id, blocker.id()), 403, "not_friends");
    expectRefusal(access.openDirect(blocked.id(), blocker.id()), 403, "blocked");

    forgetBlock.accept(
        new UserUnblocked(
            UUID.randomUUID().toString(), at.plusSeconds(1), blocker.id(), blocked.id()));
    // A replay of the older block does not block again.
    rememberBlock.accept(block);
    rememberBlock.accept(
        new UserBlocked(
            UUID.randomUUID().toString(), at, blocker.id(), blocked.id(), false, List.of()));
    expectRefusal(access.requireCanSend(id, blocked.id()), 403, "not_friends");
  }

  @Test
  void oneQueryAnswersEverySenderOfAList() {
    User a = user();
    User b = user();
    User c = user();
    String ab = befriend(a, b);
    String ac = befriend(a, c);
    forgetFriendship.accept(
        new FriendshipRemoved(UUID.randomUUID().toString(), Instant.now(), a.id(), c.id(), "x"));
    User stranger = user();
    ConversationAccess.Sender allowed = new ConversationAccess.Sender(ab, a.id());
    ConversationAccess.Sender alsoAllowed = new ConversationAccess.Sender(ab, b.id());
    ConversationAccess.Sender unfriended = new ConversationAccess.Sender(ac, c.id());
    ConversationAccess.Sender outsider = new ConversationAccess.Sender(ab, stranger.id());
    ConversationAccess.Sender nowhere = new ConversationAccess.Sender("d_nothing", a.id());

    Map<ConversationAccess.Sender, ApiException> refused =
        access
            .refusedSenders(List.of(allowed, unfriended, outsider, allowed, nowhere, alsoAllowed))
            .block(WAIT);

    assertThat(refused).containsOnlyKeys(unfriended, outsider, nowhere);
    assertThat(refused.get(unfriended).code()).isEqualTo("not_friends");
    assertThat(refused.get(outsider).code()).isEqualTo("not_member");
    assertThat(refused.get(nowhere).code()).isEqualTo("not_member");
    assertThat(access.refusedSenders(List.of()).block(WAIT)).isEmpty();
  }

  @Test
  void strangersAndUnknownConversationsAreNotMembers() {
    User a = user();
    User b = user();
    String id = befriend(a, b);
    User stranger = user();

    expectRefusal(access.requireCanSend(id, stranger.id()), 404, "not_member");
    expectRefusal(access.requireMember(id, stranger.id()), 404, "not_member");
    expectRefusal(access.requireCanSend("d_nothing", a.id()), 404, "not_member");
    assertThat(access.activeMembers("d_nothing").block(WAIT)).isEmpty();
    expectRefusal(access.openDirect(a.id(), a.id()), 400, "validation_failed");
    expectRefusal(access.openDirect(a.id(), stranger.id()), 403, "not_friends");
    assertThat(access.openDirect(b.id(), a.id()).block(WAIT)).isEqualTo(id);
  }

  @Test
  void openDirectCreatesTheConversationWhenTheEventLeftNone() {
    User a = user();
    User b = user();
    String id = befriend(a, b);
    db.sql("delete from member where conversation_id = :id").bind("id", id).then().block(WAIT);
    db.sql("delete from conversation where id = :id").bind("id", id).then().block(WAIT);
    access.evict(id);

    assertThat(access.openDirect(a.id(), b.id()).block(WAIT)).isEqualTo(id);
    assertThat(access.activeMembers(id).block(WAIT)).containsExactlyInAnyOrder(a.id(), b.id());
  }

  @Test
  void groupMembersMaySendAndLeftMembersDisappearAfterEvict() {
    User a = user();
    User b = user();
    String id = group(a, b);
    access.requireCanSend(id, a.id()).block(WAIT);
    assertThat(access.activeMembers(id).block(WAIT)).containsExactlyInAnyOrder(a.id(), b.id());

    db.sql("update member set left_at = now() where conversation_id = :id and user_id = :user")
        .bind("id", id)
        .bind("user", b.id())
        .then()
        .block(WAIT);
    access.evict(id);

    assertThat(access.activeMembers(id).block(WAIT)).containsExactly(a.id());
    expectRefusal(access.requireCanSend(id, b.id()), 404, "not_member");
  }

  private static void expectRefusal(Mono<?> call, int status, String code) {
    assertThatThrownBy(() -> call.block(WAIT))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status().value()).isEqualTo(status);
              assertThat(e.code()).isEqualTo(code);
            });
  }
}
