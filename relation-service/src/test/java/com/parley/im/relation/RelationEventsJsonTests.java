package com.parley.im.relation;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.DomainEvent;
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendRequestCancelled;
import com.parley.im.events.FriendRequestRejected;
import com.parley.im.events.FriendRequestSent;
import com.parley.im.events.FriendshipRemoved;
import com.parley.im.events.UserBlocked;
import com.parley.im.events.UserUnblocked;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of each event relation-service publishes, against a golden file per event: a renamed or
 * removed field fails here before it breaks a consumer. Adding a field means adding it to the file.
 */
class RelationEventsJsonTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");

  static Stream<DomainEvent> events() {
    return Stream.of(
        new FriendRequestSent("e1", T, "r1", "u1", "u2", "hi", T, "Alice"),
        new FriendRequestAccepted("e1", T, "r1", "u1", "u2", T, true, "Alice", "Bob"),
        new FriendRequestRejected("e1", T, "r1", "u1", "u2"),
        new FriendRequestCancelled("e1", T, "r1", "u1", "u2"),
        new FriendshipRemoved("e1", T, "u1", "u2", FriendshipRemoved.BLOCKED),
        new UserBlocked("e1", T, "u1", "u2", true, List.of("r1")),
        new UserUnblocked("e1", T, "u1", "u2"));
  }

  @ParameterizedTest
  @MethodSource("events")
  void serialisesAsItsGoldenFileAndReadsBack(DomainEvent event) throws IOException {
    String name = event.getClass().getSimpleName();
    JsonNode golden;
    try (InputStream in = getClass().getResourceAsStream("/events/" + name + ".json")) {
      assertThat(in).as("golden file for %s", name).isNotNull();
      golden = JSON.readTree(in);
    }
    assertThat(JSON.valueToTree(event).equals(golden))
        .as(name + ": " + JSON.writeValueAsString(event))
        .isTrue();
    assertThat(JSON.treeToValue(golden, event.getClass())).isEqualTo(event);
  }
}
