package com.parley.im.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Session;
import com.parley.sdk.Message;
import com.parley.sdk.ParleyListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Java SDK (sdk-java) against the running system: its promises hold end to end. 200 messages
 * sent pipelined while both sockets are dropped twice arrive once each, in order, on the other
 * side; messages sent while the recipient is offline reach it on its next login by catch-up.
 */
@ExtendWith(RunningSystem.class)
class JavaSdkSystemTests {

  private static final Duration EVENTUAL = Duration.ofSeconds(60);

  private final ParleyClient setup = new ParleyClient();

  /** Every message shown to the app, per conversation, in the order shown. */
  private static final class Shown implements ParleyListener {
    final Map<String, List<Message>> messages = new ConcurrentHashMap<>();

    @Override
    public void onMessages(String conversationId, List<Message> batch) {
      messages.computeIfAbsent(conversationId, c -> new CopyOnWriteArrayList<>()).addAll(batch);
    }

    List<Message> of(String conversationId) {
      return messages.getOrDefault(conversationId, List.of());
    }
  }

  private static com.parley.sdk.ParleyClient login(Session session, String device, Shown shown)
      throws Exception {
    return com.parley.sdk.ParleyClient.login(
            URI.create(RunningSystem.baseUrl()),
            session.account().username(),
            ParleyClient.PASSWORD,
            device,
            com.parley.sdk.ParleyClient.Options.defaults().withFullHistory(),
            shown)
        .get(30, TimeUnit.SECONDS);
  }

  private static List<String> texts(List<Message> messages, String conversationId) {
    return messages.stream()
        .filter(m -> conversationId.equals(m.conversationId()))
        .map(m -> m.body().path("text").asString())
        .toList();
  }

  @Test
  void pipelinedSendsSurviveDroppedSocketsAndArriveOnceInOrder() throws Exception {
    Session alice = setup.newUser("jsA");
    Session bob = setup.newUser("jsB");
    String direct = setup.directConversationOfNewFriends(alice, bob);
    Shown aliceSees = new Shown();
    Shown bobSees = new Shown();
    try (var a = login(alice, "sdk-phone", aliceSees);
        var b = login(bob, "sdk-laptop", bobSees)) {
      await("both connected")
          .atMost(EVENTUAL)
          .until(
              () ->
                  a.connection() == ParleyListener.Connection.CONNECTED
                      && b.connection() == ParleyListener.Connection.CONNECTED);
      List<String> sent = new ArrayList<>();
      List<CompletableFuture<Message>> acks = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        String text = "sdk " + i;
        sent.add(text);
        acks.add(a.send(direct, "text", Map.of("text", text)));
        if (i == 60 || i == 140) {
          a.dropConnection();
          b.dropConnection();
        }
      }
      try {
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError(
            acks.stream().filter(CompletableFuture::isDone).count()
                + " of 200 sends acked; alice "
                + a.connection()
                + ", bob shown "
                + bobSees.of(direct).size(),
            e);
      }
      List<Long> seqs = acks.stream().map(f -> f.join().seq()).toList();
      assertThat(seqs).as("acked seqs in send order").isSorted().doesNotHaveDuplicates();

      await("bob has all 200").atMost(EVENTUAL).until(() -> bobSees.of(direct).size() >= 200);
      long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertThat(texts(bobSees.of(direct), direct)).as("bob's view").isEqualTo(sent);
      assertThat(texts(aliceSees.of(direct), direct))
          .as("alice's own view (her acks)")
          .isEqualTo(sent);
      System.out.printf(
          "[sdk-java] 200 pipelined sends, both sockets dropped twice: all acked and shown once in"
              + " order in %d ms%n",
          millis);
    }

    // Offline: alice sends while bob is away; bob's next login catches up.
    Shown aliceAgain = new Shown();
    try (var a = login(alice, "sdk-phone", aliceAgain)) {
      List<CompletableFuture<Message>> acks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        acks.add(a.send(direct, "text", Map.of("text", "while away " + i)));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
    Shown bobAgain = new Shown();
    try (var b = login(bob, "sdk-laptop", bobAgain)) {
      await("bob catches up").atMost(EVENTUAL).until(() -> bobAgain.of(direct).size() >= 220);
      List<Message> all = bobAgain.of(direct);
      assertThat(all).hasSize(220);
      assertThat(all.stream().map(Message::seq).toList()).isSorted().doesNotHaveDuplicates();
      assertThat(all.get(219).body().path("text").asString()).isEqualTo("while away 19");
    }
  }
}
