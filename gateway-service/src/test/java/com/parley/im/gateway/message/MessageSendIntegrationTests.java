package com.parley.im.gateway.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code send} frames through {@link MessageSendClient} to the message-service stand-in (the
 * internal send contract): acks in send order with the stand-in's seqs, sends of many sockets
 * batched, failures answered {@code service_unavailable}, refusals as {@code error} frames.
 */
class MessageSendIntegrationTests extends GatewayIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void fortyPipelinedSendsGetFortyAcksInSendOrderWithConsecutiveSeqs() throws Exception {
    String conversation = "c-" + UUID.randomUUID();
    try (TestSocket socket = connect(TestTokens.newIdentity())) {
      socket.next("welcome");
      for (int i = 0; i < 40; i++) {
        socket.send(send("s" + i, conversation));
      }
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        JsonNode ack = socket.next();
        assertThat(ack.path("type").asString()).isEqualTo("ack");
        assertThat(ack.path("id").asString()).isEqualTo("s" + i);
        assertThat(ack.path("seq").asLong()).isEqualTo(i + 1);
        assertThat(ack.path("conversationId").asString()).isEqualTo(conversation);
        assertThat(ack.path("messageId").asString()).isEqualTo("m-" + conversation + "-" + (i + 1));
        assertThat(ack.path("createdAt").asString()).isNotBlank();
        ids.add("s" + i);
      }
      assertThat(MESSAGES.arrivalsIn(conversation)).containsExactlyElementsOf(ids);
      // Every request carried the gateway's service credential (ADR 0007).
      assertThat(MESSAGES.unauthorized()).isZero();
    }
  }

  @Test
  void pipelinedSendsTravelTogetherAndADeviceIsNeverInTwoRequestsAtOnce() throws Exception {
    int perSocket = 30;
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<TestSocket> open = openSockets(2);
    try {
      int requestsBefore = MESSAGES.requests();
      int overlapsBefore = MESSAGES.overlappingDevices();
      for (int s = 0; s < open.size(); s++) {
        for (int i = 0; i < perSocket; i++) {
          open.get(s).send(send("p" + i, "c-" + run + "-" + s));
        }
      }
      expectAcksInOrder(open, "p", perSocket, run);
      // Sockets waiting for each ack would need at least one request per send and socket (30);
      // pipelined, a device's waiting sends share the next request.
      assertThat(MESSAGES.requests() - requestsBefore).isLessThan(perSocket / 2);
      assertThat(MESSAGES.overlappingDevices() - overlapsBefore).isZero();
    } finally {
      open.forEach(TestSocket::close);
    }
  }

  @Test
  void aDroppedSocketsSendsThatHadNotLeftAreNeverSent() throws Exception {
    // The first send is answered only after the gateway's 5 s timeout; the next ones wait behind it
    // (one request per device at a time) and the socket drops meanwhile.
    String conversation = "slow-" + UUID.randomUUID();
    TestTokens.Identity device = TestTokens.newIdentity();
    try (TestSocket socket = connect(device)) {
      socket.next("welcome");
      for (int i = 0; i < 10; i++) {
        socket.send(send("q" + i, conversation));
      }
      await().atMost(WAIT).until(() -> MESSAGES.arrivalsIn(conversation).size() == 1);
    }
    // The same device again: its send leaves after the first request ended, and after the
    // dropped socket's waiting sends were dropped (they came first).
    try (TestSocket again = connect(device)) {
      again.next("welcome");
      again.send(send("after", conversation));
      await().atMost(WAIT).until(() -> MESSAGES.arrivalsIn(conversation).contains("after"));
    }
    assertThat(MESSAGES.arrivalsIn(conversation)).containsExactly("q0", "after");
  }

  @Test
  void theSendsOfSeveralSocketsAtOnceAreBatched() throws Exception {
    int perSocket = 5;
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<TestSocket> open = openSockets(10);
    try {
      int requestsBefore = MESSAGES.requests();
      for (int i = 0; i < perSocket; i++) {
        for (int s = 0; s < open.size(); s++) {
          open.get(s).send(send("b" + i, "c-" + run + "-" + s));
        }
      }
      expectAcksInOrder(open, "b", perSocket, run);
      int requests = MESSAGES.requests() - requestsBefore;
      assertThat(requests).isGreaterThan(0).isLessThan(open.size() * perSocket);
    } finally {
      open.forEach(TestSocket::close);
    }
  }

  private List<TestSocket> openSockets(int count) throws Exception {
    List<TestSocket> open = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      TestSocket socket = connect(TestTokens.newIdentity());
      socket.next("welcome");
      open.add(socket);
    }
    return open;
  }

  /**
   * Each socket {@code s} sent {@code prefix0..} into {@code c-<run>-<s>}: its acks come in that
   * order with seqs 1.., and the stand-in received them in that order.
   */
  private static void expectAcksInOrder(
      List<TestSocket> sockets, String prefix, int perSocket, String run) throws Exception {
    for (int s = 0; s < sockets.size(); s++) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < perSocket; i++) {
        JsonNode ack = sockets.get(s).next();
        assertThat(ack.path("type").asString()).isEqualTo("ack");
        assertThat(ack.path("id").asString()).isEqualTo(prefix + i);
        assertThat(ack.path("seq").asLong()).isEqualTo(i + 1);
        ids.add(prefix + i);
      }
      assertThat(MESSAGES.arrivalsIn("c-" + run + "-" + s)).containsExactlyElementsOf(ids);
    }
  }

  @Test
  void aServiceThatIsDownFailingOrSlowAnswersServiceUnavailableAndTheSocketStaysOpen()
      throws Exception {
    try (TestSocket socket = connect(TestTokens.newIdentity())) {
      socket.next("welcome");
      socket.send(send("d1", "down-" + UUID.randomUUID()));
      JsonNode error = socket.next();
      assertThat(error.path("type").asString()).isEqualTo("error");
      assertThat(error.path("id").asString()).isEqualTo("d1");
      assertThat(error.path("code").asString()).isEqualTo("service_unavailable");
      assertThat(error.path("message").asString()).isNotBlank();

      socket.send(send("d2", "503-" + UUID.randomUUID()));
      error = socket.next();
      assertThat(error.path("id").asString()).isEqualTo("d2");
      assertThat(error.path("code").asString()).isEqualTo("service_unavailable");

      socket.send(send("d2e", "empty-" + UUID.randomUUID()));
      error = socket.next();
      assertThat(error.path("id").asString()).isEqualTo("d2e");
      assertThat(error.path("code").asString()).isEqualTo("service_unavailable");

      // No answer within the 5 s timeout: the same.
      long start = System.nanoTime();
      socket.send(send("d3", "slow-" + UUID.randomUUID()));
      error = socket.next();
      assertThat(error.path("id").asString()).isEqualTo("d3");
      assertThat(error.path("code").asString()).isEqualTo("service_unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));

      // Still open, and sends work again.
      String conversation = "c-" + UUID.randomUUID();
      socket.send(send("d4", conversation));
      JsonNode ack = socket.next();
      assertThat(ack.path("type").asString()).isEqualTo("ack");
      assertThat(ack.path("id").asString()).isEqualTo("d4");
      assertThat(socket.isClosed()).isFalse();
    }
  }

  @Test
  void refusedSendsBecomeErrorFramesWithTheirIdAmongAcks() throws Exception {
    String ok = "c-" + UUID.randomUUID();
    try (TestSocket socket = connect(TestTokens.newIdentity())) {
      socket.next("welcome");
      socket.send(send("e1", ok));
      socket.send(send("e2", "err-" + UUID.randomUUID()));
      socket.send(send("e3", "rl-" + UUID.randomUUID()));
      socket.send(send("e4", ok));

      assertThat(socket.next().path("id").asString()).isEqualTo("e1");
      JsonNode notMember = socket.next();
      assertThat(notMember.path("type").asString()).isEqualTo("error");
      assertThat(notMember.path("id").asString()).isEqualTo("e2");
      assertThat(notMember.path("code").asString()).isEqualTo("not_member");
      assertThat(notMember.path("message").asString()).isNotBlank();
      assertThat(notMember.has("retryAfterMs")).isFalse();
      JsonNode limited = socket.next();
      assertThat(limited.path("type").asString()).isEqualTo("error");
      assertThat(limited.path("id").asString()).isEqualTo("e3");
      assertThat(limited.path("code").asString()).isEqualTo("rate_limited");
      assertThat(limited.path("retryAfterMs").asLong()).isEqualTo(250);
      JsonNode ack = socket.next();
      assertThat(ack.path("type").asString()).isEqualTo("ack");
      assertThat(ack.path("id").asString()).isEqualTo("e4");
      assertThat(ack.path("seq").asLong()).isEqualTo(2);
    }
  }

  @Test
  void aResendIsAnsweredWithTheFirstAck() throws Exception {
    String conversation = "c-" + UUID.randomUUID();
    try (TestSocket socket = connect(TestTokens.newIdentity())) {
      socket.next("welcome");
      socket.send(send("r1", conversation));
      JsonNode first = socket.next("ack");
      socket.send(send("r1", conversation));
      JsonNode again = socket.next("ack");
      assertThat(again.path("messageId").asString()).isEqualTo(first.path("messageId").asString());
      assertThat(again.path("seq").asLong()).isEqualTo(1);
    }
  }

  private static String send(String id, String conversationId) {
    return "{\"type\":\"send\",\"id\":\""
        + id
        + "\",\"conversationId\":\""
        + conversationId
        + "\",\"kind\":\"text\",\"body\":{\"text\":\"hello "
        + id
        + "\"}}";
  }
}
