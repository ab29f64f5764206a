package com.parley.im.load.faults;

import com.parley.sdk.Message;
import com.parley.sdk.ParleyClient;
import com.parley.sdk.ParleyListener;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.JsonNode;

/**
 * The fault suite (issue 8, item 5): a mixed load of pairs and a group through the Java SDK (which
 * reconnects, resends with the same id and catches up as a client must), while the system is hurt
 * one way after another: {@code kill -9} of each service (restarted with {@code ./im up}), a
 * RabbitMQ restart, a PostgreSQL restart, a Redis flush. Afterwards every acked message must be
 * stored once and shown once, in order, on every member's device; the report prints per fault the
 * lost, duplicated and out-of-order counts and how long a message sent the moment the fault hit
 * took to reach its recipient. Exit 1 when anything was lost, duplicated or out of order.
 *
 * <p>Runs from the repository root against {@code ./im up} (it reads {@code .im/pids} and calls
 * {@code ./im}); see {@code load-tool/README.md}, "faults".
 */
public final class FaultSuite {

  private static final String PASSWORD = "correct horse battery";
  private static final List<String> SERVICES =
      List.of("gateway", "user", "relation", "message", "presence", "unread", "media");

  private final URI base;
  private final int users;
  private final double rate;
  private final Duration phase;
  private final PrintStream out;
  private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);

  private final List<Device> devices = new ArrayList<>();
  private final Map<String, List<String>> members = new LinkedHashMap<>();
  private final List<Sent> sent = new CopyOnWriteArrayList<>();

  /** One acked (or pending) send: which fault's phase, who, where, and the ack. */
  private record Sent(
      String fault,
      int sender,
      String conversationId,
      String text,
      CompletableFuture<Message> ack) {}

  /** One user's device: the SDK client and every message it was shown. */
  private static final class Device implements ParleyListener {
    final int index;
    String userId;
    ParleyClient client;
    final Map<String, List<Message>> shown = new ConcurrentHashMap<>();
    final Map<String, Long> firstShownNanos = new ConcurrentHashMap<>();

    Device(int index) {
      this.index = index;
    }

    @Override
    public void onMessages(String conversationId, List<Message> messages) {
      shown.computeIfAbsent(conversationId, c -> new CopyOnWriteArrayList<>()).addAll(messages);
      long now = System.nanoTime();
      for (Message m : messages) {
        if (m.body() != null) {
          firstShownNanos.putIfAbsent(m.body().path("text").asString(""), now);
        }
      }
    }

    boolean has(String conversationId, String text) {
      return shown.getOrDefault(conversationId, List.of()).stream()
          .anyMatch(m -> m.body() != null && text.equals(m.body().path("text").asString()));
    }
  }

  public FaultSuite(Map<String, String> options, PrintStream out) {
    this.base = URI.create(options.getOrDefault("base-url", "http://localhost:8080"));
    this.users = Integer.parseInt(options.getOrDefault("users", "8"));
    this.rate = Double.parseDouble(options.getOrDefault("rate", "40"));
    this.phase = Duration.ofSeconds(Long.parseLong(options.getOrDefault("phase-seconds", "8")));
    this.out = out;
  }

  public int run() throws Exception {
    setUp();
    List<String> faults = new ArrayList<>();
    SERVICES.forEach(s -> faults.add("kill -9 " + s));
    faults.addAll(List.of("restart rabbitmq", "restart postgresql", "flush redis"));
    Map<String, Long> recovery = new LinkedHashMap<>();
    for (String fault : faults) {
      load(fault + " (before)", phase);
      hurt(fault);
      // A message sent while the system is hurt: how long until its recipient has it.
      long start = System.nanoTime();
      Sent probe = send(fault, 0, conversationOf(0, 1), "probe " + fault);
      heal(fault);
      load(fault, phase);
      await(Duration.ofSeconds(120), () -> devices.get(1).has(probe.conversationId, probe.text));
      Long shownAt = devices.get(1).firstShownNanos.get(probe.text);
      recovery.put(fault, shownAt == null ? -1 : (shownAt - start) / 1_000_000);
      out.printf("faults: %-22s probe delivered after %,d ms%n", fault, recovery.get(fault));
    }
    out.println("faults: draining");
    CompletableFuture.allOf(sent.stream().map(Sent::ack).toArray(CompletableFuture[]::new))
        .orTimeout(120, TimeUnit.SECONDS)
        .exceptionally(e -> null)
        .join();
    await(Duration.ofSeconds(60), () -> missing().isEmpty());
    int bad = report(faults, recovery);
    for (Device device : devices) {
      device.client.close();
    }
    return bad == 0 ? 0 : 1;
  }

  // ---------------------------------------------------------------------------------------------

  private void setUp() throws Exception {
    out.printf(
        "faults: %d users (pairs and one group of all), %.0f msg/s, %s per phase%n",
        users, rate, phase);
    for (int i = 0; i < users; i++) {
      Device device = new Device(i);
      device.userId =
          ParleyClient.register(base, "ft" + run + "_" + i, PASSWORD, "Fault " + i)
              .get(30, TimeUnit.SECONDS);
      device.client =
          ParleyClient.login(
                  base,
                  "ft" + run + "_" + i,
                  PASSWORD,
                  "ft-device",
                  ParleyClient.Options.defaults().withFullHistory(),
                  device)
              .get(30, TimeUnit.SECONDS);
      devices.add(device);
    }
    // Pairs (2i, 2i+1), and user 0 befriends everyone to create the group.
    for (int i = 0; i + 1 < users; i += 2) {
      befriend(devices.get(i), devices.get(i + 1));
      members.put(
          conversationOf(i, i + 1), List.of(devices.get(i).userId, devices.get(i + 1).userId));
    }
    for (int i = 2; i < users; i++) {
      befriend(devices.get(0), devices.get(i));
    }
    List<String> others = devices.subList(1, users).stream().map(d -> d.userId).toList();
    JsonNode group =
        retry(
            () ->
                devices
                    .get(0)
                    .client
                    .post("/api/groups", Map.of("name", "faults " + run, "memberIds", others))
                    .get(10, TimeUnit.SECONDS));
    groupId = group.path("id").asString();
    members.put(groupId, devices.stream().map(d -> d.userId).toList());
    out.printf("faults: set up %d conversations%n", members.size());
  }

  private String groupId;
  private final Map<String, String> directs = new HashMap<>();

  private String conversationOf(int a, int b) {
    return directs.get(Math.min(a, b) + "-" + Math.max(a, b));
  }

  private void befriend(Device a, Device b) throws Exception {
    JsonNode request =
        retry(
            () ->
                a.client
                    .post("/api/friend-requests", Map.of("toUserId", b.userId))
                    .get(10, TimeUnit.SECONDS));
    if (!"accepted".equals(request.path("status").asString())) {
      b.client
          .post("/api/friend-requests/" + request.path("id").asString() + "/accept", null)
          .get(10, TimeUnit.SECONDS);
    }
    String conversation = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (conversation == null || conversation.isEmpty()) {
      for (JsonNode friend : a.client.get("/api/friends").get(10, TimeUnit.SECONDS)) {
        if (b.userId.equals(friend.path("userId").asString())) {
          conversation = friend.path("conversationId").asString("");
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no direct conversation for " + a.index + "-" + b.index);
      }
      if (conversation == null || conversation.isEmpty()) {
        TimeUnit.MILLISECONDS.sleep(200); // the friendship event is on its way
      }
    }
    directs.put(Math.min(a.index, b.index) + "-" + Math.max(a.index, b.index), conversation);
  }

  private interface Call<T> {
    T get() throws Exception;
  }

  /** Retries a setup call that may race an event (a user not yet known, friends not yet made). */
  private static <T> T retry(Call<T> call) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 60; attempt++) {
      try {
        return call.get();
      } catch (Exception e) {
        last = e;
        TimeUnit.MILLISECONDS.sleep(500);
      }
    }
    throw last;
  }

  /** Sends at {@code rate} for {@code duration}: each user in turn, to its pair or the group. */
  private void load(String fault, Duration duration) throws InterruptedException {
    long start = System.nanoTime();
    long intervalNanos = (long) (1e9 / rate);
    for (long k = 0; System.nanoTime() - start < duration.toNanos(); k++) {
      int sender = (int) (k % users);
      boolean toGroup = (k / users) % 2 == 1;
      String conversation = toGroup ? groupId : conversationOf(sender, sender ^ 1);
      if (conversation == null) {
        conversation = groupId; // an odd user out has no pair
      }
      send(fault, sender, conversation, fault + " " + sender + " " + k);
      long next = start + (k + 1) * intervalNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
  }

  private Sent send(String fault, int sender, String conversationId, String text) {
    Sent s =
        new Sent(
            fault.replace(" (before)", ""),
            sender,
            conversationId,
            text,
            devices.get(sender).client.send(conversationId, "text", Map.of("text", text)));
    sent.add(s);
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Faults

  private void hurt(String fault) throws Exception {
    if (fault.startsWith("kill -9 ")) {
      String pid = Files.readString(pidFile(fault)).trim();
      // kill returns before the process is gone; ./im up must not find it still running.
      shell("kill -9 " + pid + "; while kill -0 " + pid + " 2>/dev/null; do sleep 0.1; done");
    } else if (fault.equals("restart rabbitmq")) {
      shell("rabbitmqctl stop_app >/dev/null");
    } else if (fault.equals("restart postgresql")) {
      shell("pg_ctlcluster --skip-systemctl-redirect 15 main stop");
    } else if (fault.equals("flush redis")) {
      shell("redis-cli FLUSHALL >/dev/null");
    }
  }

  private void heal(String fault) throws Exception {
    if (fault.startsWith("kill -9 ")) {
      String service = fault.substring("kill -9 ".length());
      shell("IM_SERVICES=" + service + " IM_SKIP_BUILD=1 ./im up");
    } else if (fault.equals("restart rabbitmq")) {
      shell("rabbitmqctl start_app >/dev/null");
    } else if (fault.equals("restart postgresql")) {
      shell("pg_ctlcluster --skip-systemctl-redirect 15 main start");
    }
  }

  private static Path pidFile(String fault) {
    return Path.of(".im/pids/" + fault.substring("kill -9 ".length()) + "-service.pid");
  }

  private void shell(String command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException(command + " failed: " + output);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Accounting

  /** Acked messages some member's device has not been shown. */
  private List<String> missing() {
    List<String> missing = new ArrayList<>();
    for (Sent s : sent) {
      if (!s.ack.isDone() || s.ack.isCompletedExceptionally()) {
        continue;
      }
      for (Device device : devices) {
        if (members.get(s.conversationId).contains(device.userId)
            && !device.has(s.conversationId, s.text)) {
          missing.add(s.fault + ": " + s.text + " at device " + device.index);
        }
      }
    }
    return missing;
  }

  private int report(List<String> faults, Map<String, Long> recovery) throws Exception {
    Map<String, int[]> counts = new LinkedHashMap<>(); // acked, lost, dup, disorder, failed
    faults.forEach(f -> counts.put(f, new int[5]));
    for (String m : missing()) {
      counts.get(m.substring(0, m.indexOf(':')))[1]++;
    }
    // Stored once: each acked text once in the history the members read.
    Map<String, Map<String, Integer>> stored = new HashMap<>();
    for (String conversation : members.keySet()) {
      Device reader =
          devices.stream()
              .filter(d -> members.get(conversation).contains(d.userId))
              .findFirst()
              .orElseThrow();
      Map<String, Integer> texts = new HashMap<>();
      long after = 0;
      while (true) {
        JsonNode page =
            reader
                .client
                .get(
                    "/api/conversations/"
                        + conversation
                        + "/messages?afterSeq="
                        + after
                        + "&limit=200")
                .get(30, TimeUnit.SECONDS);
        JsonNode messages = page.path("messages");
        for (JsonNode m : messages) {
          texts.merge(m.path("body").path("text").asString(""), 1, Integer::sum);
          after = m.path("seq").asLong();
        }
        if (messages.size() < 200) {
          break;
        }
      }
      stored.put(conversation, texts);
    }
    Map<String, Long> lastSeqBySender = new HashMap<>();
    for (Sent s : sent) {
      int[] c = counts.get(s.fault);
      if (!s.ack.isDone() || s.ack.isCompletedExceptionally()) {
        c[4]++;
        continue;
      }
      c[0]++;
      int copies = stored.get(s.conversationId).getOrDefault(s.text, 0);
      if (copies == 0) {
        c[1]++;
      } else if (copies > 1) {
        c[2]++;
      }
      // One sender's messages of one conversation keep the order they were sent in.
      String key = s.sender + "/" + s.conversationId;
      long seq = s.ack.join().seq();
      Long previous = lastSeqBySender.put(key, seq);
      if (previous != null && seq < previous) {
        c[3]++;
      }
    }
    for (Device device : devices) {
      device.shown.forEach(
          (conversation, list) -> {
            Map<String, Integer> seen = new HashMap<>();
            long previous = 0;
            for (Message m : list) {
              String text = m.body() == null ? "" : m.body().path("text").asString("");
              String fault = faultOf(text, faults);
              if (seen.merge(m.messageId(), 1, Integer::sum) > 1 && fault != null) {
                counts.get(fault)[2]++;
              }
              if (m.seq() <= previous && fault != null) {
                counts.get(fault)[3]++;
              }
              previous = m.seq();
            }
          });
    }
    out.println();
    out.println(
        "| fault | acked | lost | duplicated | out of order | not acked | message sent at the fault delivered after |");
    out.println("|---|---|---|---|---|---|---|");
    int bad = 0;
    for (String fault : faults) {
      int[] c = counts.get(fault);
      bad += c[1] + c[2] + c[3];
      out.printf(
          "| %s | %,d | %d | %d | %d | %d | %,d ms |%n",
          fault, c[0], c[1], c[2], c[3], c[4], recovery.get(fault));
    }
    out.println();
    out.println(bad == 0 ? "RESULT: OK (0 lost, 0 duplicated, 0 out of order)" : "RESULT: FAILED");
    return bad;
  }

  private static String faultOf(String text, List<String> faults) {
    for (String fault : faults) {
      if (text.startsWith(fault + " ") || text.equals("probe " + fault)) {
        return fault;
      }
    }
    return null;
  }

  private static void await(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
