package com.parley.im.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Redis loses everything while sockets stay open (issue 8, "Why 2"; ADR 0008): during a run of
 * sends, Redis is flushed ({@code FLUSHALL}). presence notices the lost routing table within a
 * second and asks the gateways to report their sockets again; the publishers keep the pushes they
 * cannot route meanwhile and deliver them once the routes are back. Every acked message must reach
 * every online device (a recipient with two devices, and a second recipient), each within 5 s of
 * the flush or of its ack, whichever is later.
 *
 * <p>Flushes the whole Redis: run only inside {@code /work/tools/with-system} or another machine of
 * one's own (the system tests' usual place), never against a Redis that others use.
 */
@ExtendWith(RunningSystem.class)
class RedisLossSystemTests {

  private static final Duration WITHIN = Duration.ofSeconds(5);
  private static final int MESSAGES = 120;
  private static final long SEND_EVERY_MS = 50;
  private static final int FLUSH_AFTER = 30;

  private final ParleyClient client = new ParleyClient();

  @Test
  void everyAckedMessageReachesEveryOnlineDeviceWithinSecondsOfAFlush() throws Exception {
    Session sender = client.newUser("rlA");
    Session bobPhone = client.newUser("rlB");
    Session bobLaptop = client.anotherDevice(bobPhone);
    Session carol = client.newUser("rlC");
    String withBob = client.directConversationOfNewFriends(sender, bobPhone);
    String withCarol = client.directConversationOfNewFriends(sender, carol);

    try (WsConnection out = ParleyClient.openSocket(sender);
        WsConnection phone = ParleyClient.openSocket(bobPhone).autoRecv();
        WsConnection laptop = ParleyClient.openSocket(bobLaptop).autoRecv();
        WsConnection carolSocket = ParleyClient.openSocket(carol).autoRecv()) {
      Arrivals arrivals = new Arrivals();
      arrivals.watch("bob-phone", phone, withBob);
      arrivals.watch("bob-laptop", laptop, withBob);
      arrivals.watch("carol", carolSocket, withCarol);

      Map<String, Long> ackedAt = new LinkedHashMap<>(); // "conversation/seq" -> when acked
      long flushedAt = 0;
      // The sender's clock: one send per tick (a refused send is sent again at the next one).
      Semaphore tick = new Semaphore(0);
      ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
      clock.scheduleAtFixedRate(
          () -> {
            if (tick.availablePermits() == 0) {
              tick.release();
            }
          },
          0,
          SEND_EVERY_MS,
          TimeUnit.MILLISECONDS);
      for (int i = 0; i < MESSAGES; i++) {
        tick.acquire();
        if (i == FLUSH_AFTER) {
          flushRedis();
          flushedAt = System.nanoTime();
        }
        String conversation = i % 2 == 0 ? withBob : withCarol;
        JsonNode answer =
            out.sendAndAwaitAnswer(
                WsConnection.textFrame(ParleyClient.clientMsgId("rl"), conversation, "m" + i),
                Duration.ofSeconds(15));
        if ("ack".equals(answer.path("type").asString())) {
          ackedAt.put(conversation + "/" + answer.path("seq").asLong(), System.nanoTime());
        } else {
          i--; // refused (e.g. a rate limit right after the flush): the client sends again
        }
      }
      clock.shutdownNow();

      final long flushed = flushedAt;
      Awaited awaited = new Awaited();
      try {
        await("every acked message on every online device")
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> awaited.check(ackedAt, arrivals, withBob, flushed));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // reported below, with what is missing
      }
      List<String> missing = awaited.missing;
      long worstMillis = awaited.worstMillis;
      long lastResumeMillis = awaited.lastResumeMillis;
      System.out.printf(
          "[redis-loss] %d acked messages, %d pushes expected; missing %d; worst push %d ms after"
              + " max(ack, flush); the messages acked in the first second after the flush had"
              + " all arrived %d ms after it%n",
          ackedAt.size(),
          arrivals.expected(ackedAt, withBob),
          missing.size(),
          worstMillis,
          lastResumeMillis);
      assertThat(missing).as("acked messages that never reached an online device").isEmpty();
      assertThat(worstMillis)
          .as("longest a push took after max(its ack, the flush), ms")
          .isLessThanOrEqualTo(WITHIN.toMillis());
    }
  }

  /** FLUSHALL on the local Redis (RESP over a plain socket: no client library needed). */
  private static void flushRedis() throws IOException {
    String port = System.getenv().getOrDefault("REDIS_PORT", "6379");
    try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(port))) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write("*1\r\n$8\r\nFLUSHALL\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[5];
      int read = in.read(reply);
      assertThat(new String(reply, 0, Math.max(read, 0), StandardCharsets.US_ASCII))
          .startsWith("+OK");
    }
  }

  /** What the last look at the arrivals found. */
  private static final class Awaited {
    List<String> missing = new ArrayList<>();
    long worstMillis;
    long lastResumeMillis;

    /** True once every acked message reached every online device of its conversation. */
    boolean check(Map<String, Long> ackedAt, Arrivals arrivals, String withBob, long flushedAt) {
      List<String> stillMissing = new ArrayList<>();
      long worst = 0;
      long lastResume = 0;
      for (var entry : ackedAt.entrySet()) {
        String conversation = entry.getKey().substring(0, entry.getKey().indexOf('/'));
        long seq = Long.parseLong(entry.getKey().substring(entry.getKey().indexOf('/') + 1));
        List<String> devices =
            conversation.equals(withBob) ? List.of("bob-phone", "bob-laptop") : List.of("carol");
        for (String device : devices) {
          Long arrived = arrivals.at(device, seq);
          if (arrived == null) {
            stillMissing.add(device + " seq " + seq);
            continue;
          }
          long from = Math.max(entry.getValue(), flushedAt);
          worst = Math.max(worst, Duration.ofNanos(arrived - from).toMillis());
          if (entry.getValue() > flushedAt
              && entry.getValue() <= flushedAt + Duration.ofSeconds(1).toNanos()) {
            // The messages acked in the first second after the flush: when did they arrive?
            lastResume = Math.max(lastResume, Duration.ofNanos(arrived - flushedAt).toMillis());
          }
        }
      }
      missing = stillMissing;
      worstMillis = worst;
      lastResumeMillis = lastResume;
      return stillMissing.isEmpty();
    }
  }

  /** When each device first got each seq (recorded by its connection as the frame arrived). */
  private static final class Arrivals {
    private final Map<String, WsConnection> sockets = new ConcurrentHashMap<>();
    private final Map<String, String> conversations = new ConcurrentHashMap<>();

    void watch(String device, WsConnection socket, String conversation) {
      sockets.put(device, socket);
      conversations.put(device, conversation);
    }

    Long at(String device, long seq) {
      return sockets.get(device).firstArrival(conversations.get(device), seq);
    }

    int expected(Map<String, Long> acked, String twoDeviceConversation) {
      int n = 0;
      for (String key : acked.keySet()) {
        n += key.startsWith(twoDeviceConversation + "/") ? 2 : 1;
      }
      return n;
    }
  }
}
