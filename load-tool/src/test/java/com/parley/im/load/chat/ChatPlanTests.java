package com.parley.im.load.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.parley.im.load.chat.ChatPlan.Pair;
import com.parley.im.load.chat.ChatPlan.Talk;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who talks to whom, and the command's options. */
class ChatPlanTests {

  @Test
  void pairsNeighboursAndLeavesAnOddUserIdle() {
    ChatPlan plan = ChatPlan.of(5, true, 0, 10);

    assertThat(plan.pairs()).containsExactly(new Pair(0, 1), new Pair(2, 3));
    assertThat(plan.friendships()).containsExactlyInAnyOrder(new Pair(0, 1), new Pair(2, 3));
    assertThat(plan.talksByUser().get(1)).containsExactly(new Talk(0, -1));
    assertThat(plan.senders()).containsExactly(0, 1, 2, 3);
  }

  @Test
  void groupsWrapAroundAndTheirCreatorsBefriendEveryMember() {
    ChatPlan plan = ChatPlan.of(5, true, 2, 3);

    assertThat(plan.groups().get(0).members()).containsExactly(0, 1, 2);
    assertThat(plan.groups().get(1).members()).containsExactly(3, 4, 0);
    assertThat(plan.groups().get(1).creator()).isEqualTo(3);
    assertThat(plan.friendships())
        .containsExactlyInAnyOrder(
            new Pair(0, 1), new Pair(2, 3), new Pair(0, 2), new Pair(3, 4), new Pair(0, 3));
    assertThat(plan.talksByUser().get(0))
        .containsExactly(new Talk(1, -1), new Talk(-1, 0), new Talk(-1, 1));
    assertThat(plan.senders()).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void withoutPairsUsersTalkInGroupsOnly() {
    ChatPlan plan = ChatPlan.of(6, false, 1, 3);

    assertThat(plan.pairs()).isEmpty();
    assertThat(plan.friendships()).containsExactlyInAnyOrder(new Pair(0, 1), new Pair(0, 2));
    assertThat(plan.senders()).containsExactly(0, 1, 2);
  }

  @Test
  void refusesPlansWithoutConversations() {
    assertThatThrownBy(() -> ChatPlan.of(4, false, 0, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChatPlan.of(4, true, 1, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void durationsTakeUnits() {
    assertThat(ChatOptions.duration("60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(ChatOptions.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(ChatOptions.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(ChatOptions.duration("1.5")).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void optionsDefaultToAnOpenLoopOf500PerSecond() {
    ChatOptions open = ChatOptions.from(Map.of());
    assertThat(open.closedLoop()).isFalse();
    assertThat(open.rate()).isEqualTo(500);
    assertThat(open.users()).isEqualTo(200);
    assertThat(open.baseUrl()).isEqualTo("http://localhost:8080");

    ChatOptions closed = ChatOptions.from(Map.of("closed-loop", "true", "in-flight", "4"));
    assertThat(closed.closedLoop()).isTrue();
    assertThat(closed.inFlight()).isEqualTo(4);
  }
}
