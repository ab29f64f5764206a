package com.parley.im.load.chat;

import com.parley.im.load.chat.ChatApi.ApiException;
import com.parley.im.load.chat.ChatPlan.Group;
import com.parley.im.load.chat.ChatPlan.Pair;
import com.parley.im.load.chat.ChatPlan.Talk;
import com.parley.im.load.chat.DeliveryLedger.Suspect;
import com.parley.im.load.chat.DeliveryLedger.Verdict;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The {@code chat} command: N users, each with one device and one WebSocket, talk in pairs and
 * groups through the gateway exactly as a client written from PROTOCOL.md does, open loop (a fixed
 * total send rate on a schedule; latency counts from the scheduled time, so a slow server cannot
 * hide its queueing) or closed loop (each user keeps K sends unacked). Every frame goes to a {@link
 * DeliveryLedger}, which counts losses, duplicates, disorder and latencies; the summary comes from
 * {@link ChatSummary}.
 *
 * <p>Sequence: register and log in every user; befriend the pairs (and each group's creator with
 * its members); wait until every user's {@code GET /api/conversations} lists its direct
 * conversations (message-service makes them from the friendship event, asynchronously); create the
 * groups; open the sockets; take each conversation's {@code lastSeq} as the baseline; send for
 * warm-up + duration; wait for outstanding acks, then for the pushes (drain); check every suspected
 * loss against the history; print.
 */
public final class ChatBenchmark {

  private static final String PASSWORD = "load-tool-password";
  private static final Set<String> RETRIED_CODES =
      Set.of("rate_limited", "service_unavailable", "internal_error");

  private final ChatOptions options;
  private final ChatApi api;
  private final PrintStream out;
  private final String runId = Long.toString(System.currentTimeMillis() % 2_176_782_336L, 36);
  private final DeliveryLedger ledger;
  private final AtomicLong messageCounter = new AtomicLong();
  private final Map<String, PendingSend> pending = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> framesByType = new ConcurrentSkipListMap<>();
  private final Map<String, AtomicInteger> closeReasons = new ConcurrentSkipListMap<>();
  private final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(
          1,
          r -> {
            Thread t = new Thread(r, "load-timer");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean sending;
  private User[] users;
  private Map<String, User> usersById;

  public ChatBenchmark(ChatOptions options, PrintStream out) {
    this.options = options;
    this.api = new ChatApi(options.baseUrl());
    this.out = out;
    this.ledger = new DeliveryLedger(options.redeliveryInterval().toNanos());
  }

  /** One simulated user: a device, a socket, the conversations it sends into. */
  private static final class User {
    final int index;
    final String id;
    final String token;
    final ChatConnection connection;
    final List<String> talks = new ArrayList<>();

    /** The newest {@code unread} frame's count per conversation (frames arrive in order). */
    final Map<String, Long> unreadShown = new ConcurrentHashMap<>();

    int nextTalk;
    volatile long lastPingNanos = System.nanoTime();

    User(int index, String id, String token) {
      this.index = index;
      this.id = id;
      this.token = token;
      this.connection = new ChatConnection(index, token);
    }

    synchronized String nextConversation() {
      String conversation = talks.get(nextTalk);
      nextTalk = (nextTalk + 1) % talks.size();
      return conversation;
    }
  }

  /** A send without its ack yet: resent with the same id after a refusal or a timeout. */
  private static final class PendingSend {
    final String id;
    final User user;
    final String frame;
    volatile long lastSentNanos;
    volatile boolean waitingToRetry;

    PendingSend(String id, User user, String frame) {
      this.id = id;
      this.user = user;
      this.frame = frame;
    }
  }

  /** Runs the benchmark; returns the process exit code (0 when every promise was kept). */
  public int run() {
    ChatPlan plan =
        ChatPlan.of(options.users(), options.pairs(), options.groups(), options.groupSize());
    long setupStart = System.nanoTime();
    users = register(plan);
    usersById = new HashMap<>();
    for (User user : users) {
      usersById.put(user.id, user);
    }
    Map<Pair, String> direct = befriend(plan);
    Map<Integer, String> groups = createGroups(plan);
    for (int u = 0; u < plan.users(); u++) {
      for (Talk talk : plan.talksByUser().get(u)) {
        users[u].talks.add(
            talk.group() >= 0 ? groups.get(talk.group()) : direct.get(Pair.of(u, talk.pairPeer())));
      }
    }
    openSockets();
    registerConversations(plan, direct, groups);
    log(
        "setup done in %.1f s: %d users, %d direct conversations, %d groups",
        seconds(System.nanoTime() - setupStart), users.length, plan.pairs().size(), groups.size());

    timer.scheduleAtFixedRate(
        safely(this::flushRecvs),
        options.recvInterval().toMillis(),
        options.recvInterval().toMillis(),
        TimeUnit.MILLISECONDS);
    timer.scheduleAtFixedRate(safely(this::heartbeat), 1, 1, TimeUnit.SECONDS);
    timer.scheduleAtFixedRate(safely(this::resendTimedOut), 1, 1, TimeUnit.SECONDS);

    long start = System.nanoTime();
    long cpuAtStart = ChatSummary.processCpuNanos();
    long windowStart = start + options.warmup().toNanos();
    long sendEnd = windowStart + options.duration().toNanos();
    ledger.window(windowStart, sendEnd);
    sending = true;
    var progress = timer.scheduleAtFixedRate(safely(() -> progress(start)), 5, 5, TimeUnit.SECONDS);
    List<User> senders = plan.senders().stream().map(u -> users[u]).toList();
    log(
        "sending: %s, %.1f s warm-up + %.1f s measured",
        options.closedLoop()
            ? "closed loop, " + options.inFlight() + " in flight per user"
            : "open loop, " + options.rate() + " msg/s in total",
        seconds(options.warmup().toNanos()),
        seconds(options.duration().toNanos()));
    if (options.closedLoop()) {
      for (User sender : senders) {
        for (int k = 0; k < options.inFlight(); k++) {
          sendNext(sender, System.nanoTime());
        }
      }
      parkUntil(sendEnd);
    } else {
      pace(senders, start, sendEnd);
    }
    sending = false;
    long stopped = System.nanoTime();
    long cpuWhileSending = ChatSummary.processCpuNanos() - cpuAtStart;
    double loadAverage = ChatSummary.loadAverage();

    // Outstanding acks: resends continue meanwhile (timeouts, rate limits).
    long ackDeadline = stopped + options.ackTimeout().toNanos() + Duration.ofSeconds(5).toNanos();
    while (ledger.pending() > 0 && System.nanoTime() < ackDeadline) {
      parkUntil(System.nanoTime() + Duration.ofMillis(100).toNanos());
    }
    for (PendingSend left : pending.values()) {
      ledger.failed(left.id, "no_ack", true);
    }
    pending.clear();
    // Drain: pushes still on their way.
    long drainDeadline = System.nanoTime() + options.drain().toNanos();
    while (ledger.deliveredOfAcked() < ledger.expectedDeliveries()
        && System.nanoTime() < drainDeadline) {
      parkUntil(System.nanoTime() + Duration.ofMillis(100).toNanos());
    }
    progress.cancel(false);
    flushRecvs();
    long drained = System.nanoTime();
    // The message path's work ends here; what follows asks the REST API (compare.sh stops its
    // CPU count and profile at this line).
    log(
        "drained %.1f s after sending; checking unread counts and suspects",
        seconds(drained - stopped));
    UnreadCheck unread = checkUnread();

    List<Suspect> suspects = ledger.suspectedLosses();
    Map<Suspect, Verdict> verdicts = verify(suspects);
    DeliveryLedger.Report report = ledger.report(verdicts);
    timer.shutdownNow();
    for (User user : users) {
      user.connection.close();
    }
    new ChatSummary(options, plan, report)
        .print(
            out,
            seconds(stopped - start),
            seconds(drained - stopped),
            seconds(cpuWhileSending),
            loadAverage,
            framesByType,
            closeReasons);
    out.printf(
        "unread      %d users' pushed counts checked against GET /api/unread: %d agree, %d differ"
            + " (settled %.1f s after the drain)%n",
        unread.checked(),
        unread.checked() - unread.differing().size(),
        unread.differing().size(),
        unread.settleSeconds());
    List<String> violations = new ArrayList<>(report.violations());
    unread.differing().stream()
        .limit(5)
        .forEach(d -> violations.add("unread frames disagree with GET /api/unread: " + d));
    closeReasons.forEach((reason, count) -> violations.add(count + " sockets closed: " + reason));
    if (violations.isEmpty()) {
      out.println("RESULT: OK (nothing lost, duplicated or out of order)");
      return 0;
    }
    out.println("RESULT: FAILED");
    violations.forEach(v -> out.println("  - " + v));
    return 1;
  }

  // ------------------------------------------------------------------------------------------
  // unread counts

  /** The outcome of comparing every user's last pushed counts with the server's. */
  private record UnreadCheck(int checked, List<String> differing, double settleSeconds) {}

  /**
   * After the drain, every user's newest {@code unread} frame per conversation must equal {@code
   * GET /api/unread} (docs/protocol.md: pushed on every change). Frames are coalesced over a short
   * window, so the check is repeated for up to 5 s before a difference counts.
   */
  private UnreadCheck checkUnread() {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(5).toNanos();
    List<String> differing;
    do {
      differing =
          Flux.fromArray(users)
              .flatMap(
                  user ->
                      api.get("/api/unread", user.token).map(counts -> differences(user, counts)),
                  16)
              .flatMapIterable(d -> d)
              .collectList()
              .block(Duration.ofSeconds(60));
      if (differing.isEmpty()) {
        break;
      }
      parkUntil(System.nanoTime() + Duration.ofMillis(250).toNanos());
    } while (System.nanoTime() < deadline);
    return new UnreadCheck(users.length, differing, seconds(System.nanoTime() - start));
  }

  private static List<String> differences(User user, JsonNode counts) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : counts.path("conversations")) {
      String conversation = ChatApi.str(c, "conversationId", "");
      long server = ChatApi.num(c, "unread", 0);
      Long shown = user.unreadShown.get(conversation);
      if (shown == null ? server != 0 : shown != server) {
        out.add(
            "user %d, %s: pushed %s, server %d".formatted(user.index, conversation, shown, server));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // setup

  private User[] register(ChatPlan plan) {
    log("registering and logging in %d users (run %s)", plan.users(), runId);
    List<User> list =
        Flux.range(0, plan.users())
            .flatMapSequential(
                u ->
                    api.registerAndLogin("lt" + runId + "_" + u, PASSWORD, "load-" + u)
                        .map(
                            login ->
                                new User(
                                    u,
                                    ChatApi.str(login, "userId", null),
                                    ChatApi.str(login, "accessToken", null))),
                8)
            .collectList()
            .block(Duration.ofMinutes(30));
    return list.toArray(User[]::new);
  }

  /** Makes every planned friendship; returns each pair's direct conversation id. */
  private Map<Pair, String> befriend(ChatPlan plan) {
    log("making %d friendships", plan.friendships().size());
    Flux.fromIterable(plan.friendships())
        .flatMap(pair -> befriend(users[pair.a()], users[pair.b()]), 8)
        .then()
        .block(Duration.ofMinutes(30));

    // The direct conversation's id: GET /api/friends (conversationId), else POST
    // /api/conversations/direct.
    Map<Pair, String> direct = new ConcurrentHashMap<>();
    Set<Integer> withFriends = new HashSet<>();
    plan.friendships().forEach(p -> withFriends.add(p.a()));
    Flux.fromIterable(withFriends)
        .flatMap(
            a ->
                api.get("/api/friends", users[a].token)
                    .doOnNext(
                        friends -> {
                          for (JsonNode friend : friends) {
                            User b = usersById.get(ChatApi.str(friend, "userId", ""));
                            String conversation = ChatApi.str(friend, "conversationId", null);
                            if (b != null && conversation != null) {
                              direct.put(Pair.of(a, b.index), conversation);
                            }
                          }
                        }),
            8)
        .then()
        .block(Duration.ofMinutes(10));
    List<Pair> missing = plan.friendships().stream().filter(p -> !direct.containsKey(p)).toList();
    if (!missing.isEmpty()) {
      log(
          "%d friendships without conversationId in GET /api/friends: asking POST"
              + " /api/conversations/direct",
          missing.size());
      Flux.fromIterable(missing)
          .flatMap(
              pair ->
                  retryWhileConflict(
                          () ->
                              api.post(
                                  "/api/conversations/direct",
                                  users[pair.a()].token,
                                  Map.of("peerId", users[pair.b()].id)))
                      .doOnNext(c -> direct.put(pair, conversationId(c))),
              8)
          .then()
          .block(Duration.ofMinutes(10));
    }

    // message-service creates direct conversations from the friendship event: wait for them.
    Map<Integer, Set<String>> expected = new HashMap<>();
    direct.forEach(
        (pair, id) -> {
          expected.computeIfAbsent(pair.a(), k -> new HashSet<>()).add(id);
          expected.computeIfAbsent(pair.b(), k -> new HashSet<>()).add(id);
        });
    awaitConversations(
        expected,
        "direct conversations (made by message-service from the"
            + " friend-request-accepted event)");
    return direct;
  }

  private Mono<Void> befriend(User a, User b) {
    return retryWhileConflict(
            () -> api.post("/api/friend-requests", a.token, Map.of("toUserId", b.id)))
        .flatMap(
            request ->
                "accepted".equals(ChatApi.str(request, "status", ""))
                    ? Mono.empty()
                    : api.post(
                        "/api/friend-requests/" + ChatApi.str(request, "id", "") + "/accept",
                        b.token,
                        null))
        .onErrorResume(
            e -> e instanceof ApiException refused && "already_friends".equals(refused.code),
            e -> Mono.empty())
        .then();
  }

  /**
   * Retries a call refused because another service has not caught up yet (an event on its way): 404
   * {@code not_found} (a user relation-service does not know yet), {@code not_friends} (a
   * friendship message-service does not know yet), for up to the setup timeout.
   */
  private Mono<JsonNode> retryWhileConflict(java.util.function.Supplier<Mono<JsonNode>> call) {
    long deadline = System.nanoTime() + options.setupTimeout().toNanos();
    return Mono.defer(call)
        .retryWhen(
            reactor.util.retry.Retry.from(
                signals ->
                    signals.concatMap(
                        signal -> {
                          Throwable failure = signal.failure();
                          boolean notYet =
                              failure instanceof ApiException refused
                                  && (refused.code.equals("not_found")
                                      || refused.code.equals("not_friends")
                                      || refused.code.equals("not_member"));
                          return notYet && System.nanoTime() < deadline
                              ? Mono.delay(Duration.ofMillis(500))
                              : Mono.error(failure);
                        })));
  }

  private Map<Integer, String> createGroups(ChatPlan plan) {
    if (plan.groups().isEmpty()) {
      return Map.of();
    }
    log("creating %d groups of %d", plan.groups().size(), options.groupSize());
    Map<Integer, String> groups = new ConcurrentHashMap<>();
    Flux.fromIterable(plan.groups())
        .flatMap(
            group -> {
              List<String> memberIds =
                  group.members().stream()
                      .filter(m -> m != group.creator())
                      .map(m -> users[m].id)
                      .toList();
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("name", "load " + runId + " g" + group.index());
              body.put("memberIds", memberIds);
              return retryWhileConflict(
                      () -> api.post("/api/groups", users[group.creator()].token, body))
                  .doOnNext(created -> groups.put(group.index(), conversationId(created)));
            },
            4)
        .then()
        .block(Duration.ofMinutes(10));
    Map<Integer, Set<String>> expected = new HashMap<>();
    for (Group group : plan.groups()) {
      for (int member : group.members()) {
        expected.computeIfAbsent(member, k -> new HashSet<>()).add(groups.get(group.index()));
      }
    }
    awaitConversations(expected, "groups");
    return groups;
  }

  private static String conversationId(JsonNode conversation) {
    String id = ChatApi.str(conversation, "id", null);
    if (id == null) {
      id = ChatApi.str(conversation, "conversationId", null);
    }
    if (id == null) {
      throw new IllegalStateException("no id in the conversation " + conversation);
    }
    return id;
  }

  /**
   * Polls each user's {@code GET /api/conversations} until it lists the expected conversations, or
   * fails with a clear message after the setup timeout.
   */
  private void awaitConversations(Map<Integer, Set<String>> expected, String what) {
    long deadline = System.nanoTime() + options.setupTimeout().toNanos();
    Map<Integer, Set<String>> missing = new ConcurrentHashMap<>(expected);
    while (true) {
      Flux.fromIterable(List.copyOf(missing.keySet()))
          .flatMap(
              u ->
                  api.get("/api/conversations", users[u].token)
                      .doOnNext(
                          list -> {
                            Set<String> listed = new HashSet<>();
                            for (JsonNode c : list.path("conversations")) {
                              listed.add(ChatApi.str(c, "id", ""));
                            }
                            if (listed.containsAll(expected.get(u))) {
                              missing.remove(u);
                            }
                          }),
              8)
          .then()
          .block(Duration.ofMinutes(5));
      if (missing.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            String.format(
                "after %d s, %d of %d users still do not see all their %s in GET"
                    + " /api/conversations (user %s misses %s). Is message-service up and"
                    + " consuming? Raise --setup-timeout if it is only slow.",
                options.setupTimeout().toSeconds(),
                missing.size(),
                expected.size(),
                what,
                users[missing.keySet().iterator().next()].id,
                missing.values().iterator().next()));
      }
      parkUntil(System.nanoTime() + Duration.ofMillis(500).toNanos());
    }
  }

  private void openSockets() {
    String wsUrl = api.base().replaceFirst("^http", "ws") + "/ws";
    long start = System.nanoTime();
    Flux.fromArray(users)
        .flatMap(
            user ->
                user.connection.open(
                    wsUrl, frame -> onFrame(user, frame), reason -> onClose(user, reason)),
            64)
        .then()
        .block(Duration.ofMinutes(10));
    log("opened %d sockets in %.1f s", users.length, seconds(System.nanoTime() - start));
  }

  /** Each conversation's members and {@code lastSeq} now that every socket is open. */
  private void registerConversations(
      ChatPlan plan, Map<Pair, String> direct, Map<Integer, String> groups) {
    Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    Flux.fromArray(users)
        .flatMap(
            user ->
                api.get("/api/conversations", user.token)
                    .doOnNext(
                        list -> {
                          for (JsonNode c : list.path("conversations")) {
                            lastSeq.merge(
                                ChatApi.str(c, "id", ""), ChatApi.num(c, "lastSeq", 0), Math::max);
                          }
                        }),
            8)
        .then()
        .block(Duration.ofMinutes(10));
    for (Pair pair : plan.pairs()) {
      String id = direct.get(pair);
      ledger.conversation(
          id, List.of(users[pair.a()].id, users[pair.b()].id), lastSeq.getOrDefault(id, 0L));
    }
    for (Group group : plan.groups()) {
      String id = groups.get(group.index());
      ledger.conversation(
          id,
          group.members().stream().map(m -> users[m].id).toList(),
          lastSeq.getOrDefault(id, 0L));
    }
  }

  // ------------------------------------------------------------------------------------------
  // sending

  /** Open loop: send k goes out at start + k / rate, whatever the acks do. */
  private void pace(List<User> senders, long start, long end) {
    double intervalNanos = 1e9 / options.rate();
    long k = 0;
    while (true) {
      long intended = start + (long) (k * intervalNanos);
      if (intended >= end) {
        return;
      }
      long now = System.nanoTime();
      if (intended > now) {
        LockSupport.parkNanos(intended - now);
        continue;
      }
      sendNew(senders.get((int) (k % senders.size())), intended);
      k++;
    }
  }

  /** Closed loop: a new send when a slot frees (ack or final refusal), while sending lasts. */
  private void sendNext(User user, long now) {
    if (sending) {
      sendNew(user, now);
    }
  }

  private void sendNew(User user, long intendedNanos) {
    String conversationId = user.nextConversation();
    String id = "lt" + runId + "-" + user.index + "-" + messageCounter.incrementAndGet();
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "send");
    frame.put("id", id);
    frame.put("conversationId", conversationId);
    frame.put("kind", "text");
    frame.put("body", Map.of("text", intendedNanos + " load-tool " + runId));
    PendingSend send = new PendingSend(id, user, ChatApi.JSON.writeValueAsString(frame));
    ledger.sent(id, conversationId, user.id, intendedNanos);
    pending.put(id, send);
    transmit(send);
  }

  private void transmit(PendingSend send) {
    send.lastSentNanos = System.nanoTime();
    send.waitingToRetry = false;
    if (!send.user.connection.send(send.frame)) {
      ledger.failed(send.id, "socket_closed", false);
    }
  }

  private void resendTimedOut() {
    long now = System.nanoTime();
    long timeout = options.ackTimeout().toNanos();
    for (PendingSend send : pending.values()) {
      if (!send.waitingToRetry && now - send.lastSentNanos > timeout) {
        ledger.failed(send.id, "ack_timeout", false);
        ledger.resent(send.id);
        transmit(send);
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // frames

  private void onFrame(User user, JsonNode frame) {
    String type = ChatApi.str(frame, "type", "?");
    framesByType.computeIfAbsent(type, t -> new AtomicLong()).incrementAndGet();
    try {
      switch (type) {
        case "ack" -> onAck(user, frame);
        case "error" -> onError(user, frame);
        case "message" -> onMessage(user, frame);
        case "unread" ->
            user.unreadShown.put(
                ChatApi.str(frame, "conversationId", ""), ChatApi.num(frame, "unread", -1));
        default -> {
          // pong, receipt, unread, presence, conversation, malformed, ...: counted only
        }
      }
    } catch (RuntimeException e) {
      framesByType.computeIfAbsent("unhandled", t -> new AtomicLong()).incrementAndGet();
      log("could not handle %s for user %d: %s", frame, user.index, e);
    }
  }

  private void onAck(User user, JsonNode frame) {
    long now = System.nanoTime();
    String id = ChatApi.str(frame, "id", "");
    pending.remove(id);
    boolean first =
        ledger.acked(
            id, ChatApi.str(frame, "conversationId", ""), ChatApi.num(frame, "seq", -1), now);
    if (first && options.closedLoop()) {
      sendNext(user, now);
    }
  }

  private void onError(User user, JsonNode frame) {
    String id = ChatApi.str(frame, "id", null);
    String code = ChatApi.str(frame, "code", "unknown");
    PendingSend send = id == null ? null : pending.get(id);
    if (send == null) {
      ledger.failed(id, code, false);
      return;
    }
    if (RETRIED_CODES.contains(code)) {
      ledger.failed(id, code, false);
      long retryAfterMs = Math.max(10, ChatApi.num(frame, "retryAfterMs", 1000));
      send.waitingToRetry = true;
      timer.schedule(
          safely(
              () -> {
                if (pending.containsKey(send.id)) {
                  ledger.resent(send.id);
                  transmit(send);
                }
              }),
          retryAfterMs,
          TimeUnit.MILLISECONDS);
    } else {
      ledger.failed(id, code, true);
      pending.remove(id);
      if (options.closedLoop()) {
        sendNext(user, System.nanoTime());
      }
    }
  }

  private void onMessage(User user, JsonNode frame) {
    long now = System.nanoTime();
    Long sendNanos = null;
    JsonNode body = frame.path("body");
    String text = ChatApi.str(body, "text", null);
    if (text != null && text.endsWith(" load-tool " + runId)) {
      try {
        sendNanos = Long.parseLong(text.substring(0, text.indexOf(' ')));
      } catch (RuntimeException notOurs) {
        // a message this run did not write
      }
    }
    ledger.pushed(
        user.id,
        ChatApi.str(frame, "conversationId", ""),
        ChatApi.num(frame, "seq", -1),
        ChatApi.str(frame, "senderId", ""),
        ChatApi.str(frame, "clientMsgId", null),
        sendNanos,
        now);
  }

  private void onClose(User user, String reason) {
    closeReasons.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
    ledger.failed(null, "socket_closed", false);
  }

  private void flushRecvs() {
    ledger
        .recvsDue()
        .forEach(
            (userId, recvs) -> {
              User user = usersById.get(userId);
              for (DeliveryLedger.Recv recv : recvs) {
                user.connection.send(
                    "{\"type\":\"recv\",\"conversationId\":"
                        + ChatApi.JSON.writeValueAsString(recv.conversationId())
                        + ",\"seq\":"
                        + recv.seq()
                        + "}");
              }
            });
  }

  private void heartbeat() {
    long now = System.nanoTime();
    for (User user : users) {
      if (now - user.lastPingNanos >= user.connection.heartbeatNanos) {
        user.lastPingNanos = now;
        user.connection.send("{\"type\":\"ping\"}");
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // the end

  /**
   * Asks the history about each suspect (as its recipient, who is a member): present means "not
   * pushed", absent means "missing from history".
   */
  private Map<Suspect, Verdict> verify(List<Suspect> suspects) {
    Map<Suspect, Verdict> verdicts = new ConcurrentHashMap<>();
    if (suspects.isEmpty()) {
      return verdicts;
    }
    log(
        "%d suspected losses: checking up to %d against the history",
        suspects.size(), options.verifyMax());
    Flux.fromIterable(suspects.subList(0, Math.min(suspects.size(), options.verifyMax())))
        .flatMap(
            suspect ->
                api.get(
                        "/api/conversations/"
                            + suspect.conversationId()
                            + "/messages?afterSeq="
                            + (suspect.seq() - 1)
                            + "&limit=1",
                        usersById.get(suspect.recipientId()).token)
                    .doOnNext(
                        page -> {
                          boolean found = false;
                          for (JsonNode m : page.path("messages")) {
                            if (ChatApi.num(m, "seq", -1) == suspect.seq()
                                && suspect
                                    .clientMsgId()
                                    .equals(ChatApi.str(m, "clientMsgId", ""))) {
                              found = true;
                            }
                          }
                          verdicts.put(
                              suspect, found ? Verdict.NOT_PUSHED : Verdict.MISSING_FROM_HISTORY);
                        })
                    .onErrorResume(e -> Mono.empty()),
            4)
        .then()
        .block(Duration.ofMinutes(10));
    return verdicts;
  }

  private void progress(long start) {
    log("t=%.0fs %s", seconds(System.nanoTime() - start), ledger.progress());
  }

  private Runnable safely(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log("timer task failed: %s", e);
      }
    };
  }

  private static void parkUntil(long deadlineNanos) {
    long now;
    while ((now = System.nanoTime()) < deadlineNanos) {
      LockSupport.parkNanos(deadlineNanos - now);
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private void log(String format, Object... args) {
    out.printf("[load-tool] " + format + "%n", args);
    out.flush();
  }
}
