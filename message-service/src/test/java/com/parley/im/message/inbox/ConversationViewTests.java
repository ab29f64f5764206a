package com.parley.im.message.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.message.store.StoredMessage;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversationViewTests {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @Test
  void unreadIsLastSeqMinusReadSeqNeverNegative() {
    assertThat(InboxService.view(row(7, 3, 1, false), null).unread()).isEqualTo(4);
    assertThat(InboxService.view(row(3, 5, 1, false), null).unread()).isZero();
  }

  @Test
  void theLastMessageAndItsTimeWhenTheMemberMayReadIt() {
    StoredMessage last =
        new StoredMessage(
            "m1", "c1", 7, "u1", "d1", "k1", "text", Map.of("text", "hi"), T0.plusSeconds(5), null);
    ConversationView view = InboxService.view(row(7, 3, 1, false), last);
    assertThat(view.lastMessage().messageId()).isEqualTo("m1");
    assertThat(view.updatedAt()).isEqualTo(T0.plusSeconds(5));
    // A message before the member's joining seq is not theirs to see.
    assertThat(InboxService.view(row(7, 3, 8, false), last).lastMessage()).isNull();
  }

  @Test
  void aConversationLeftShowsNoMessagesAndSaysRemoved() {
    StoredMessage last =
        new StoredMessage("m1", "c1", 9, "u1", null, null, "text", Map.of(), T0, null);
    ConversationView view = InboxService.view(row(9, 4, 1, true), last);
    assertThat(view.removed()).isTrue();
    assertThat(view.lastMessage()).isNull();
    assertThat(view.lastSeq()).isEqualTo(4);
    assertThat(view.unread()).isZero();
    assertThat(InboxService.view(row(9, 4, 1, false), null).removed()).isNull();
  }

  private static InboxStore.Row row(long lastSeq, long readSeq, long fromSeq, boolean removed) {
    return new InboxStore.Row(
        "c1", "group", "G", null, 3, lastSeq, T0, readSeq, fromSeq, false, removed);
  }
}
