package com.parley.im.message.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.events.DeliveryBatch.Delivery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

class GroupNoticesTests {

  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void membersGetTheChangeAndRemovedOnesGetItMarkedRemoved() {
    List<Delivery> sent = new ArrayList<>();
    GroupNotices notices = notices(deliveries -> Mono.fromRunnable(() -> sent.addAll(deliveries)));

    StepVerifier.create(
            notices.push(
                new GroupChange(
                    "g_1", "member_removed", "Team", 2, 7, List.of("a", "b"), List.of("c"))))
        .verifyComplete();

    assertThat(sent).extracting(Delivery::userId).containsExactly("a", "b", "c");
    assertThat(sent).allSatisfy(d -> assertThat(d.redelivered()).isFalse());
    Map<String, Object> member = json.readValue(sent.get(0).frame(), Map.class);
    assertThat(member)
        .containsEntry("type", "conversation")
        .containsEntry("conversationId", "g_1")
        .containsEntry("conversationType", "group")
        .containsEntry("change", "member_removed")
        .containsEntry("name", "Team")
        .containsEntry("memberCount", 2)
        .containsEntry("seq", 7)
        .doesNotContainKey("removed");
    assertThat((Map<String, Object>) json.readValue(sent.get(2).frame(), Map.class))
        .containsEntry("removed", true);
  }

  @Test
  void aFailedPushDoesNotFailTheCommittedChange() {
    GroupNotices notices =
        notices(deliveries -> Mono.error(new IllegalStateException("broker down")));
    StepVerifier.create(
            notices.push(new GroupChange("g_1", "renamed", "X", 1, 2, List.of("a"), List.of())))
        .verifyComplete();
  }

  private GroupNotices notices(DeliveryPublisher publisher) {
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    beans.addBean("deliveries", publisher);
    return new GroupNotices(beans.getBeanProvider(DeliveryPublisher.class), json);
  }
}
