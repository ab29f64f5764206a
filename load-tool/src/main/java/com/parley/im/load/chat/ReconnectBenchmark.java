package com.parley.im.load.chat;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Many clients dropped at once, as when a gateway instance or a mobile network goes away: how long
 * all of them take to be back (a {@code welcome} on every socket), first with nothing to catch up
 * (the bare reconnect), then after messages arrived while they were away (reconnect plus catch-up
 * by {@code afterSeq}, PROTOCOL.md 4, until every device holds every message it is owed). The
 * target of issue 13: the catch-up round takes at most twice the bare one, nothing lost.
 *
 * <p>Users talk in pairs (2i and 2i+1), one device each. While every socket is down, the first of
 * each pair sends {@code --messages} messages over REST. Each round opens every socket at once
 * ({@code --concurrency} handshakes in flight), and the catch-up round has every device read each
 * of its conversations' history after the seq it held; a message pushed on the new socket counts as
 * held too. Exit code 1 when a device misses a message, holds one twice or out of order.
 */
public final class ReconnectBenchmark {

  private static final String PASSWORD = "load-tool-password";

  private final ChatApi api;
  private final PrintStream out;
  private final int userCount;
  private final int messages;
  private final int concurrency;
  private final String runId = Long.toString(System.currentTimeMillis() % 2_176_782_336L, 36);

  /** One user's device: its token, its pair's conversation, and what it holds there. */
  private static final class Device {
    final int index;
    final String id;
    final String token;
    volatile String conversation;
    volatile ChatConnection connection;
    final Set<Long> held = ConcurrentHashMap.newKeySet();
    final AtomicInteger repeats = new AtomicInteger();
    final AtomicInteger disorder = new AtomicInteger();
    volatile long highest;

    Device(int index, String id, String token) {
      this.index = index;
      this.id = id;
      this.token = token;
    }

    /** Records a message the device now holds (a push or a history row). */
    void hold(long seq, boolean inOrderExpected) {
      if (!held.add(seq)) {
        repeats.incrementAndGet();
        return;
      }
      if (inOrderExpected && seq < highest) {
        disorder.incrementAndGet();
      }
      highest = Math.max(highest, seq);
    }
  }

  public ReconnectBenchmark(Map<String, String> options, PrintStream out) {
    this.api =
        new ChatApi(
            options.getOrDefault(
                "base-url", options.getOrDefault("base", "http://localhost:8080")));
    this.out = out;
    this.userCount = Integer.parseInt(options.getOrDefault("users", "5000")) / 2 * 2;
    this.messages = Integer.parseInt(options.getOrDefault("messages", "5"));
    this.concurrency = Integer.parseInt(options.getOrDefault("concurrency", "500"));
  }

  public static final String USAGE =
      """
      usage: java -jar load-tool/target/load-tool.jar reconnect [options]
        --base-url URL     gateway address (default http://localhost:8080)
        --users N          users in pairs, one device and one WebSocket each (default 5000)
        --messages M       messages each pair's first user sends while everybody is away (default 5)
        --concurrency C    WebSocket handshakes (and catch-up reads) in flight at once (default 500)
      """;

  public int run() {
    List<Device> devices = register();
    befriend(devices);
    round(devices, "first connect (warm-up)", false);
    long bare = round(devices, "bare reconnect", false);
    long baseline = System.nanoTime();
    sendWhileAway(devices);
    log(
        "sent %d messages while away in %.1f s",
        devices.size() / 2 * messages, seconds(System.nanoTime() - baseline));
    long catchUp = round(devices, "reconnect + catch-up", true);

    int lost = 0;
    int repeats = 0;
    int disorder = 0;
    for (Device device : devices) {
      // Both devices of a pair are owed the pair's messages (the sender's too: every device
      // roams the whole history).
      lost += Math.max(0, messages - device.held.size());
      repeats += device.repeats.get();
      disorder += device.disorder.get();
    }
    double ratio = (double) catchUp / bare;
    out.printf(
        "RESULT reconnect users=%d messages=%d bare_s=%.2f catchup_s=%.2f ratio=%.2f lost=%d dup=%d"
            + " ooo=%d%n",
        devices.size(),
        devices.size() / 2 * messages,
        bare / 1e9,
        catchUp / 1e9,
        ratio,
        lost,
        repeats,
        disorder);
    return lost == 0 && repeats == 0 && disorder == 0 ? 0 : 1;
  }

  private List<Device> register() {
    log("registering and logging in %d users (run %s)", userCount, runId);
    long start = System.nanoTime();
    List<Device> devices =
        Flux.range(0, userCount)
            .flatMapSequential(
                u ->
                    api.registerAndLogin("rc" + runId + "_" + u, PASSWORD, "reconnect-" + u)
                        .map(
                            login ->
                                new Device(
                                    u,
                                    ChatApi.str(login, "userId", null),
                                    ChatApi.str(login, "accessToken", null))),
                16)
            .collectList()
            .block(Duration.ofMinutes(30));
    log("registered in %.1f s", seconds(System.nanoTime() - start));
    return devices;
  }

  /** Pairs 2i with 2i+1 and waits for their direct conversation. */
  private void befriend(List<Device> devices) {
    log("making %d friendships", devices.size() / 2);
    Flux.range(0, devices.size() / 2)
        .flatMap(
            p -> {
              Device a = devices.get(2 * p);
              Device b = devices.get(2 * p + 1);
              return untilKnown(
                      () -> api.post("/api/friend-requests", a.token, Map.of("toUserId", b.id)))
                  .flatMap(
                      request ->
                          "accepted".equals(ChatApi.str(request, "status", ""))
                              ? Mono.<JsonNode>empty()
                              : api.post(
                                  "/api/friend-requests/"
                                      + ChatApi.str(request, "id", "")
                                      + "/accept",
                                  b.token,
                                  null))
                  .then(
                      untilKnown(
                          () ->
                              api.post(
                                  "/api/conversations/direct", a.token, Map.of("peerId", b.id))))
                  .doOnNext(
                      conversation -> {
                        String id = ChatApi.str(conversation, "id", null);
                        a.conversation = id;
                        b.conversation = id;
                      });
            },
            16)
        .then()
        .block(Duration.ofMinutes(30));
  }

  /** Retries while another service has not yet caught up with an event (PROTOCOL.md: eventual). */
  private static Mono<JsonNode> untilKnown(java.util.function.Supplier<Mono<JsonNode>> call) {
    return Mono.defer(call)
        .retryWhen(
            reactor.util.retry.Retry.fixedDelay(120, Duration.ofMillis(500))
                .filter(
                    e ->
                        e instanceof ChatApi.ApiException refused
                            && Set.of("not_found", "not_friends", "not_member")
                                .contains(refused.code)));
  }

  /**
   * One round: every socket opened at once; with {@code catchUp}, each device also reads its
   * conversation after the highest seq it holds. Returns the nanoseconds until the last device is
   * done, and closes every socket again (the drop before the next round).
   */
  private long round(List<Device> devices, String name, boolean catchUp) {
    String wsUrl = api.base().replaceFirst("^http", "ws") + "/ws";
    long start = System.nanoTime();
    Flux.fromIterable(devices)
        .flatMap(
            device -> {
              ChatConnection connection = new ChatConnection(device.index, device.token);
              device.connection = connection;
              Mono<JsonNode> welcome =
                  connection.open(wsUrl, frame -> onFrame(device, frame), reason -> {});
              return catchUp ? welcome.then(catchUp(device)) : welcome.then();
            },
            concurrency)
        .then()
        .block(Duration.ofMinutes(15));
    long took = System.nanoTime() - start;
    log("%s: %d devices in %.2f s", name, devices.size(), seconds(took));
    devices.forEach(device -> device.connection.close());
    return took;
  }

  /** Reads the history after the highest held seq until nothing newer is left. */
  private Mono<Void> catchUp(Device device) {
    return Mono.defer(
            () ->
                api.get(
                    "/api/conversations/"
                        + device.conversation
                        + "/messages?afterSeq="
                        + device.highest
                        + "&limit=200",
                    device.token))
        .flatMap(
            page -> {
              JsonNode rows = page.path("messages");
              for (JsonNode row : rows) {
                device.hold(ChatApi.num(row, "seq", -1), true);
              }
              return Mono.just(rows.size());
            })
        .repeat()
        .takeUntil(size -> size < 200)
        .then();
  }

  private void onFrame(Device device, JsonNode frame) {
    if ("message".equals(ChatApi.str(frame, "type", ""))) {
      // A push may arrive while the history is read: held either way, counted once.
      device.hold(ChatApi.num(frame, "seq", -1), false);
    }
  }

  private void sendWhileAway(List<Device> devices) {
    List<Device> senders = new ArrayList<>();
    for (int p = 0; p < devices.size() / 2; p++) {
      senders.add(devices.get(2 * p));
    }
    Flux.fromIterable(senders)
        .flatMap(
            sender ->
                Flux.range(0, messages)
                    .concatMap(
                        m ->
                            api.post(
                                "/api/conversations/" + sender.conversation + "/messages",
                                sender.token,
                                Map.of(
                                    "clientMsgId",
                                    "rc" + runId + "-" + sender.index + "-" + m,
                                    "kind",
                                    "text",
                                    "body",
                                    Map.of("text", "while away " + m)))),
            32)
        .then()
        .block(Duration.ofMinutes(30));
  }

  private void log(String format, Object... args) {
    out.printf("[reconnect] " + format + "%n", args);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
