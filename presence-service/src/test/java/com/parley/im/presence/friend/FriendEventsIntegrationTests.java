package com.parley.im.presence.friend;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendshipRemoved;
import com.parley.im.presence.IntegrationTestBase;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/** relation-service's friendship events keep presence's friend table; replays change nothing. */
class FriendEventsIntegrationTests extends IntegrationTestBase {

  @Autowired
  @Qualifier("recordFriendship")
  Consumer<FriendRequestAccepted> recordFriendship;

  @Autowired
  @Qualifier("forgetFriendship")
  Consumer<FriendshipRemoved> forgetFriendship;

  @Test
  void duplicateAndReplayedEventsChangeNothing() {
    User a = user();
    User b = user();
    Instant t0 = Instant.now();
    FriendRequestAccepted accepted = accepted(a, b, t0);
    FriendshipRemoved removed =
        new FriendshipRemoved(
            UUID.randomUUID().toString(), t0.plusSeconds(1), b.id(), a.id(), "blocked");

    recordFriendship.accept(accepted);
    recordFriendship.accept(accepted);
    assertThat(friendRows(a, b)).isEqualTo(2);
    forgetFriendship.accept(removed);
    // The old acceptance again: as a redelivery (same id), and as if it arrived late (new id).
    recordFriendship.accept(accepted);
    recordFriendship.accept(accepted(a, b, t0));
    forgetFriendship.accept(removed);
    assertThat(friendRows(a, b)).isZero();

    recordFriendship.accept(accepted(b, a, t0.plusSeconds(2)));
    assertThat(friendRows(a, b)).isEqualTo(2);
  }

  private static FriendRequestAccepted accepted(User from, User to, Instant at) {
    return new FriendRequestAccepted(
        UUID.randomUUID().toString(),
        at,
        UUID.randomUUID().toString(),
        from.id(),
        to.id(),
        at,
        false,
        null,
        null);
  }

  private long friendRows(User a, User b) {
    return count(
        "select count(*) from friend where (user_id = '"
            + a.id()
            + "' and friend_id = '"
            + b.id()
            + "') or (user_id = '"
            + b.id()
            + "' and friend_id = '"
            + a.id()
            + "')");
  }
}
