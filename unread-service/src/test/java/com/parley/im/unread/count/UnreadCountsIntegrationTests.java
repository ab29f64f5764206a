package com.parley.im.unread.count;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.events.ConversationChanged;
import com.parley.im.events.Destinations;
import com.parley.im.events.MessageStored;
import com.parley.im.events.ReadPositionMoved;
import com.parley.im.testsupport.EventTap;
import com.parley.im.testsupport.TestInfrastructure;
import com.parley.im.testsupport.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * unread-service against the real PostgreSQL, Redis and RabbitMQ, fed message-service's events
 * through the broker as message-service publishes them: the counts are {@code lastSeq - readSeq}
 * whatever the order and repetition of the events, own sends are read, mutes leave the total,
 * removed members lose the conversation, and a lost Redis copy comes back from PostgreSQL.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class UnreadCountsIntegrationTests {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerAll(registry, "unread");
    TestTokens.register(registry);
  }

  @Autowired WebTestClient http;
  @Autowired JsonMapper json;
  @Autowired ConnectionFactory rabbit;
  @Autowired ReactiveStringRedisTemplate redis;

  private static String id() {
    return UUID.randomUUID().toString();
  }

  private void publish(String destination, Object event) {
    EventTap.publish(rabbit, json, destination, event);
  }

  private static ConversationChanged created(
      String c, String type, List<String> members, long seq) {
    return new ConversationChanged(
        id(), Instant.now(), c, type, "created", null, members, members, List.of(), seq);
  }

  private static MessageStored stored(String c, long seq, String sender) {
    return new MessageStored(
        id(),
        Instant.now(),
        "m-" + id(),
        c,
        seq,
        sender,
        "phone",
        "x" + seq,
        "text",
        Instant.now(),
        null);
  }

  private JsonNode unread(String user) {
    return json.readTree(
        http.get()
            .uri("/api/unread")
            .headers(h -> h.setBearerAuth(TestTokens.accessToken(user, "phone")))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody());
  }

  private static JsonNode entry(JsonNode counts, String conversationId) {
    for (JsonNode c : counts.path("conversations")) {
      if (conversationId.equals(c.path("conversationId").asString())) {
        return c;
      }
    }
    return null;
  }

  private void awaitUnread(String user, String c, long unread, long readSeq, long lastSeq) {
    await("unread of " + c)
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode e = entry(unread(user), c);
              assertThat(e).as("an entry for %s", c).isNotNull();
              assertThat(e.path("unread").asLong()).isEqualTo(unread);
              assertThat(e.path("readSeq").asLong()).isEqualTo(readSeq);
              assertThat(e.path("lastSeq").asLong()).isEqualTo(lastSeq);
            });
  }

  @Test
  void countsAreLastSeqMinusReadSeqWhateverTheOrderAndRepetitionOfEvents() {
    long seed = Long.getLong("im.unread.seed", System.nanoTime());
    Random random = new Random(seed);
    String a = id();
    String b = id();
    String c = "d_" + id();
    List<Runnable> events = new ArrayList<>();
    events.add(
        () -> publish(Destinations.CONVERSATION_CHANGED, created(c, "direct", List.of(a, b), 0)));
    for (long seq = 1; seq <= 6; seq++) {
      MessageStored m = stored(c, seq, seq == 6 ? b : a); // b's own send of 6 reads 6 for b
      events.add(() -> publish(Destinations.MESSAGE_STORED, m));
      if (random.nextBoolean()) {
        events.add(() -> publish(Destinations.MESSAGE_STORED, m)); // redelivered
      }
    }
    for (long seq = 1; seq <= 3; seq++) {
      ReadPositionMoved read = new ReadPositionMoved(id(), Instant.now(), c, a, seq);
      events.add(() -> publish(Destinations.READ_POSITION_MOVED, read));
    }
    Collections.shuffle(events, random);
    events.forEach(Runnable::run);

    // b sent 6 (and so read it): 0 unread; a read 3 and sent 1-5: 6 - 5 = 1 unread.
    awaitUnread(b, c, 0, 6, 6);
    awaitUnread(a, c, 1, 5, 6);
    assertThat(unread(a).path("total").asLong()).as("seed %s", seed).isEqualTo(1);
  }

  @Test
  void aMuteLeavesTheTotalOnlyMembersMayMuteAndItIsIdempotent() {
    String a = id();
    String b = id();
    String c = "d_" + id();
    publish(Destinations.CONVERSATION_CHANGED, created(c, "direct", List.of(a, b), 0));
    for (long seq = 1; seq <= 4; seq++) {
      publish(Destinations.MESSAGE_STORED, stored(c, seq, a));
    }
    awaitUnread(b, c, 4, 0, 4);
    assertThat(unread(b).path("total").asLong()).isEqualTo(4);

    for (int i = 0; i < 2; i++) {
      http.put()
          .uri("/api/conversations/{id}/mute", c)
          .headers(h -> h.setBearerAuth(TestTokens.accessToken(b, "phone")))
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody()
          .jsonPath("$.muted")
          .isEqualTo(true);
    }
    JsonNode muted = unread(b);
    assertThat(muted.path("total").asLong()).as("muted conversations leave the total").isZero();
    assertThat(entry(muted, c).path("unread").asLong()).isEqualTo(4);

    http.put()
        .uri("/api/conversations/{id}/mute", c)
        .headers(h -> h.setBearerAuth(TestTokens.accessToken(id(), "phone")))
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("not_member");

    http.delete()
        .uri("/api/conversations/{id}/mute", c)
        .headers(h -> h.setBearerAuth(TestTokens.accessToken(b, "phone")))
        .exchange()
        .expectStatus()
        .isOk();
    assertThat(unread(b).path("total").asLong()).isEqualTo(4);
  }

  @Test
  void aRemovedMemberLosesTheConversationFromTheCounts() {
    String owner = id();
    String member = id();
    String removed = id();
    String g = "g_" + id();
    publish(
        Destinations.CONVERSATION_CHANGED, created(g, "group", List.of(owner, member, removed), 1));
    // Seq 1 is the owner's "created" system message: unread for the others (as message-service
    // counts it: the invited start at the creation's seq - 1).
    for (long seq = 1; seq <= 4; seq++) {
      publish(Destinations.MESSAGE_STORED, stored(g, seq, owner));
    }
    awaitUnread(removed, g, 4, 0, 4);
    awaitUnread(owner, g, 0, 4, 4);
    publish(
        Destinations.CONVERSATION_CHANGED,
        new ConversationChanged(
            id(),
            Instant.now(),
            g,
            "group",
            "removed",
            null,
            List.of(owner, member),
            List.of(),
            List.of(removed),
            5));
    publish(Destinations.MESSAGE_STORED, stored(g, 5, owner));
    awaitUnread(member, g, 5, 0, 5);
    await("the conversation is gone from the removed member's counts")
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode counts = unread(removed);
              assertThat(entry(counts, g)).isNull();
              assertThat(counts.path("total").asLong()).isZero();
            });
  }

  @Test
  void countsComeBackFromPostgresqlWhenTheRedisCopyIsLost() {
    String a = id();
    String b = id();
    String c = "d_" + id();
    publish(Destinations.CONVERSATION_CHANGED, created(c, "direct", List.of(a, b), 0));
    for (long seq = 1; seq <= 3; seq++) {
      publish(Destinations.MESSAGE_STORED, stored(c, seq, a));
    }
    awaitUnread(b, c, 3, 0, 3);

    String prefix = TestInfrastructure.get().redisPrefix("unread");
    redis.keys(prefix + "*").flatMap(redis::delete).then().block(WAIT);

    // Activity goes on after the loss: messages and a read reach the counts on top of the truth.
    for (long seq = 4; seq <= 6; seq++) {
      publish(Destinations.MESSAGE_STORED, stored(c, seq, a));
    }
    publish(Destinations.READ_POSITION_MOVED, new ReadPositionMoved(id(), Instant.now(), c, b, 2));
    awaitUnread(b, c, 4, 2, 6);
    assertThat(unread(b).path("total").asLong()).isEqualTo(4);
    redis.keys(prefix + "*").flatMap(redis::delete).then().block(WAIT);
    JsonNode again = unread(b);
    assertThat(entry(again, c).path("unread").asLong()).isEqualTo(4);
    assertThat(again.path("total").asLong()).isEqualTo(4);
  }

  @Test
  void aUserWithAThousandConversationsGetsCorrectCountsBackAfterTheCopyIsLost() {
    String user = id();
    String peer = id();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String c = "d_" + id();
      ids.add(c);
      publish(Destinations.CONVERSATION_CHANGED, created(c, "direct", List.of(user, peer), 0));
      publish(Destinations.MESSAGE_STORED, stored(c, 1, peer));
      publish(Destinations.MESSAGE_STORED, stored(c, 2, peer));
    }
    await("1,000 conversations with 2 unread each")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(unread(user).path("total").asLong()).isEqualTo(2000));

    String prefix = TestInfrastructure.get().redisPrefix("unread");
    redis.keys(prefix + "*").flatMap(redis::delete).then().block(WAIT);
    long start = System.nanoTime();
    JsonNode rebuilt = unread(user);
    long firstMillis = (System.nanoTime() - start) / 1_000_000;
    start = System.nanoTime();
    unread(user);
    long warmMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(rebuilt.path("total").asLong()).isEqualTo(2000);
    assertThat(rebuilt.path("conversations")).hasSize(1000);
    System.out.printf(
        "[unread] 1,000 conversations: counts back from PostgreSQL %d ms after the Redis copy was"
            + " lost (then %d ms from the rebuilt copy)%n",
        firstMillis, warmMillis);
  }

  /**
   * The invariant against a model, over random interleavings (seeded; {@code -Dim.unread.seed=}
   * replays one): sends into a group and a direct conversation, reads (older ones too), mutes and
   * unmutes, a member removed and added again; the events reach the broker in shuffled batches with
   * repeats. After each batch every user's counts equal the model's: {@code lastSeq - readSeq} per
   * active conversation, the total over unmuted ones.
   */
  @Test
  void randomInterleavingsAgreeWithAModel() {
    long seed = Long.getLong("im.unread.seed", System.nanoTime());
    Random random = new Random(seed);
    List<String> users = List.of(id(), id(), id());
    String g = "g_" + id();
    String d = "d_" + id();
    Map<String, Long> last = new java.util.HashMap<>();
    Map<String, Long> read = new java.util.HashMap<>(); // user|conversation
    Map<String, Boolean> active = new java.util.HashMap<>();
    Map<String, Boolean> muted = new java.util.HashMap<>();
    List<Runnable> pending = new ArrayList<>();

    // Creation: g (seq 1, a's system message), d (seq 0, no message).
    last.put(g, 1L);
    last.put(d, 0L);
    for (String u : users) {
      active.put(u + "|" + g, true);
      read.put(u + "|" + g, u.equals(users.get(0)) ? 1L : 0L);
    }
    active.put(users.get(0) + "|" + d, true);
    active.put(users.get(1) + "|" + d, true);
    read.put(users.get(0) + "|" + d, 0L);
    read.put(users.get(1) + "|" + d, 0L);
    ConversationChanged gc = created(g, "group", users, 1);
    ConversationChanged dc = created(d, "direct", users.subList(0, 2), 0);
    MessageStored first = stored(g, 1, users.get(0));
    pending.add(() -> publish(Destinations.CONVERSATION_CHANGED, gc));
    pending.add(() -> publish(Destinations.CONVERSATION_CHANGED, dc));
    pending.add(() -> publish(Destinations.MESSAGE_STORED, first));

    for (int step = 0; step < 60; step++) {
      String u = users.get(random.nextInt(3));
      String c = random.nextInt(3) == 0 ? d : g;
      String key = u + "|" + c;
      boolean isMember = Boolean.TRUE.equals(active.get(key));
      switch (random.nextInt(6)) {
        case 0, 1 -> {
          if (isMember) { // a send: the conversation moves on, the sender has read it
            long seq = last.merge(c, 1L, Long::sum);
            read.put(key, seq);
            MessageStored m = stored(c, seq, u);
            pending.add(() -> publish(Destinations.MESSAGE_STORED, m));
          }
        }
        case 2 -> {
          if (isMember) { // a read, possibly older than the position: never moves it back
            long seq = random.nextInt((int) (last.get(c) + 1));
            read.merge(key, seq, Math::max);
            ReadPositionMoved r = new ReadPositionMoved(id(), Instant.now(), c, u, seq);
            pending.add(() -> publish(Destinations.READ_POSITION_MOVED, r));
          }
        }
        case 3 -> {
          if (isMember) {
            boolean mute = random.nextBoolean();
            flush(pending, random);
            awaitModel(users, last, read, active, muted, seed); // the row exists before the mute
            var request = mute ? http.put() : http.delete();
            request
                .uri("/api/conversations/{id}/mute", c)
                .headers(h -> h.setBearerAuth(TestTokens.accessToken(u, "phone")))
                .exchange()
                .expectStatus()
                .isOk();
            muted.put(key, mute);
          }
        }
        default -> {
          // users[2] leaves the group or is added again (by users[0]); a system message each.
          String other = users.get(2);
          String otherKey = other + "|" + g;
          boolean in = Boolean.TRUE.equals(active.get(otherKey));
          long seq = last.merge(g, 1L, Long::sum);
          read.put(users.get(0) + "|" + g, seq);
          active.put(otherKey, !in);
          if (!in) {
            read.merge(otherKey, seq - 1, Math::max);
          }
          List<String> now =
              users.stream().filter(x -> Boolean.TRUE.equals(active.get(x + "|" + g))).toList();
          ConversationChanged change =
              new ConversationChanged(
                  id(),
                  Instant.now(),
                  g,
                  "group",
                  in ? "removed" : "members_added",
                  null,
                  now,
                  in ? List.of() : List.of(other),
                  in ? List.of(other) : List.of(),
                  seq);
          MessageStored notice = stored(g, seq, users.get(0));
          pending.add(() -> publish(Destinations.CONVERSATION_CHANGED, change));
          pending.add(() -> publish(Destinations.MESSAGE_STORED, notice));
        }
      }
      if (random.nextInt(5) == 0) {
        flush(pending, random);
        awaitModel(users, last, read, active, muted, seed);
      }
    }
    flush(pending, random);
    awaitModel(users, last, read, active, muted, seed);
  }

  /** Publishes the pending events shuffled, some twice. */
  private static void flush(List<Runnable> pending, Random random) {
    List<Runnable> batch = new ArrayList<>(pending);
    for (Runnable event : pending) {
      if (random.nextInt(4) == 0) {
        batch.add(event);
      }
    }
    Collections.shuffle(batch, random);
    batch.forEach(Runnable::run);
    pending.clear();
  }

  private void awaitModel(
      List<String> users,
      Map<String, Long> last,
      Map<String, Long> read,
      Map<String, Boolean> active,
      Map<String, Boolean> muted,
      long seed) {
    await("the counts of the model (seed " + seed + ")")
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (String u : users) {
                JsonNode counts = unread(u);
                long total = 0;
                for (String c : last.keySet()) {
                  String key = u + "|" + c;
                  JsonNode e = entry(counts, c);
                  if (!Boolean.TRUE.equals(active.get(key))) {
                    assertThat(e).as("seed %s: %s not in %s's counts", seed, c, u).isNull();
                    continue;
                  }
                  long unread = last.get(c) - read.getOrDefault(key, 0L);
                  assertThat(e).as("seed %s: %s in %s's counts", seed, c, u).isNotNull();
                  assertThat(e.path("unread").asLong())
                      .as("seed %s: unread", seed)
                      .isEqualTo(unread);
                  if (!Boolean.TRUE.equals(muted.get(key))) {
                    total += unread;
                  }
                }
                assertThat(counts.path("total").asLong())
                    .as("seed %s: total of %s", seed, u)
                    .isEqualTo(total);
              }
            });
  }
}
