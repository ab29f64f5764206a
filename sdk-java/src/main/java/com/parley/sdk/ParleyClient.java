package com.parley.sdk;

import com.parley.sdk.Api.Answer;
import com.parley.sdk.ParleyListener.Connection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Parley client for one device: the JVM and Android counterpart of the TypeScript SDK, with the
 * same promises (docs/adr/0025-java-sdk.md, docs/protocol.md "Writing a client"):
 *
 * <ul>
 *   <li><b>Sent once, in order.</b> {@link #send} queues a message in the outbox and completes with
 *       its ack. Unacked sends are sent again with the same id until acked or finally refused: over
 *       the socket, or over REST while the socket is down. Per conversation they leave in order
 *       ({@link Outbox}).
 *   <li><b>Shown once, in order, nothing missing.</b> Pushes, catch-up pages and own acks pass
 *       through the {@link Inbox}: each {@code (conversationId, seq)} reaches {@link
 *       ParleyListener#onMessages} once, in seq order, never past a gap; a gap is repaired by
 *       catch-up by {@code afterSeq}; {@code recv} is sent for what the device has, batched.
 *   <li><b>Connected.</b> A ticket socket, {@code ping} at the {@code welcome} interval, a dead
 *       socket noticed and replaced with jittered backoff, a catch-up after each connect; tokens
 *       refreshed before they expire; a 4001 close or a refused refresh ends the session.
 * </ul>
 *
 * <p>Threading: everything runs on the client's own thread, one event at a time, which is also
 * where the listener is called. The messages are kept in memory only (the TypeScript SDK has
 * durable stores; a durable store for this SDK is future work).
 */
public final class ParleyClient implements AutoCloseable {

  /** Tunables; the defaults suit a phone or a desktop app. */
  public record Options(
      int maxInFlightPerConversation,
      Duration recvInterval,
      Duration ackTimeout,
      int initialHistory,
      Duration requestTimeout) {

    public static Options defaults() {
      return new Options(
          8, Duration.ofMillis(100), Duration.ofSeconds(20), 50, Duration.ofSeconds(20));
    }

    /** Everything of a conversation first seen is fetched, not only its newest messages. */
    public Options withFullHistory() {
      return new Options(
          maxInFlightPerConversation, recvInterval, ackTimeout, Integer.MAX_VALUE, requestTimeout);
    }

    public Options withMaxInFlightPerConversation(int window) {
      return new Options(window, recvInterval, ackTimeout, initialHistory, requestTimeout);
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Api api;
  private final HttpClient http;
  private final String deviceId;
  private final Options options;
  private final ParleyListener listener;
  private final ScheduledExecutorService loop;
  private final Backoff backoff = new Backoff(ThreadLocalRandom.current());
  private final Outbox outbox;
  private final Inbox inbox;

  // The socket, touched on the loop only.
  private WebSocket socket;
  private int generation;
  private boolean welcomed;
  private long heartbeatMillis = 30_000;
  private long lastFrameNanos;
  private CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(null);
  private ScheduledFuture<?> heartbeat;
  private ScheduledFuture<?> stable;
  private Connection state = Connection.DISCONNECTED;
  private boolean closed;

  private ParleyClient(
      Api api, HttpClient http, String deviceId, Options options, ParleyListener listener) {
    this.api = api;
    this.http = http;
    this.deviceId = deviceId;
    this.options = options;
    this.listener = listener;
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "parley-sdk-" + deviceId);
              thread.setDaemon(true);
              return thread;
            });
    this.outbox = new Outbox(this, options.maxInFlightPerConversation());
    this.inbox = new Inbox(this, options.initialHistory());
  }

  // ---------------------------------------------------------------------------------------------
  // Public API

  /** Registers an account ({@code POST /api/users}); completes with the new user's id. */
  public static CompletableFuture<String> register(
      URI baseUrl, String username, String password, String displayName) {
    Api api = new Api(baseUrl, HttpClient.newHttpClient(), JSON, Duration.ofSeconds(20));
    return api.post(
            "/api/users",
            Map.of("username", username, "password", password, "displayName", displayName),
            false)
        .thenApply(
            answer -> {
              if (answer.status() != 201) {
                throw answer.problem();
              }
              return answer.json().path("id").asString();
            });
  }

  /** Logs this device in and connects; completes once logged in (the socket follows). */
  public static CompletableFuture<ParleyClient> login(
      URI baseUrl,
      String username,
      String password,
      String deviceId,
      Options options,
      ParleyListener listener) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    Api api = new Api(baseUrl, http, JSON, options.requestTimeout());
    return api.login(username, password, deviceId)
        .thenApply(
            tokens -> {
              ParleyClient client = new ParleyClient(api, http, deviceId, options, listener);
              client.start();
              return client;
            });
  }

  public String userId() {
    return api.tokens().userId();
  }

  public String deviceId() {
    return deviceId;
  }

  /** Sends a message with a new client message id; completes with the stored message. */
  public CompletableFuture<Message> send(String conversationId, String kind, Object body) {
    return send(conversationId, "j-" + UUID.randomUUID(), kind, body);
  }

  /**
   * Sends a message with the app's own client message id (1-64 characters, unique per user):
   * completes with the stored message once acked (a repeat of an acked id completes with the first
   * message), or exceptionally with a {@link ParleyException} when finally refused.
   */
  public CompletableFuture<Message> send(
      String conversationId, String clientMsgId, String kind, Object body) {
    JsonNode json = JSON.valueToTree(body);
    CompletableFuture<Message> done = new CompletableFuture<>();
    run(() -> outbox.add(conversationId, clientMsgId, kind, json, done));
    return done;
  }

  /** Moves this user's read position (on every device). */
  public void read(String conversationId, long seq) {
    run(
        () -> {
          if (welcomed) {
            frame(Map.of("type", "read", "conversationId", conversationId, "seq", seq));
          } else {
            api.post("/api/conversations/" + conversationId + "/read", Map.of("seq", seq), true);
          }
        });
  }

  /** The messages shown so far in a conversation, in seq order (a copy). */
  public List<Message> messages(String conversationId) {
    return call(() -> inbox.shown(conversationId));
  }

  /** Sends nothing it has not been asked to: true while any send waits for its ack. */
  public boolean hasUnsent() {
    return call(outbox::hasEntries);
  }

  /**
   * An authenticated {@code GET} of any documented endpoint (the answer's JSON; throws on 4xx/5xx).
   */
  public CompletableFuture<JsonNode> get(String path) {
    return api.get(path).thenApply(ParleyClient::body);
  }

  /** An authenticated {@code POST} of any documented endpoint. */
  public CompletableFuture<JsonNode> post(String path, Object body) {
    return api.post(path, body, true).thenApply(ParleyClient::body);
  }

  public Connection connection() {
    return call(() -> state);
  }

  /** Drops the socket as a lost network would (the client reconnects and catches up). */
  public void dropConnection() {
    run(
        () -> {
          kill();
        });
  }

  /** Closes the socket and stops; unacked sends complete exceptionally. */
  @Override
  public void close() {
    run(
        () -> {
          closed = true;
          if (socket != null) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
          }
          outbox.failAll(new ParleyException(0, "closed", "The client was closed."));
          setState(Connection.CLOSED);
        });
    loop.shutdown();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static JsonNode body(Answer answer) {
    if (answer.status() >= 400) {
      throw answer.problem();
    }
    return answer.json();
  }

  // ---------------------------------------------------------------------------------------------
  // The loop

  void run(Runnable task) {
    if (loop.isShutdown()) {
      return;
    }
    loop.execute(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            System.getLogger(ParleyClient.class.getName())
                .log(System.Logger.Level.WARNING, "parley-sdk: a task failed", e);
          }
        });
  }

  void later(Duration delay, Runnable task) {
    if (!loop.isShutdown()) {
      loop.schedule(() -> run(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private <T> T call(java.util.function.Supplier<T> supplier) {
    try {
      return CompletableFuture.supplyAsync(supplier, loop).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("parley-sdk: the client did not answer", e);
    }
  }

  Api api() {
    return api;
  }

  ParleyListener listener() {
    return listener;
  }

  boolean socketOpen() {
    return welcomed;
  }

  /** The user's own acked send enters the inbox like a push. */
  void inboxOwn(Message message) {
    inbox.pushed(message);
  }

  private void start() {
    loop.scheduleWithFixedDelay(
        () -> run(this::tick),
        options.recvInterval().toMillis(),
        options.recvInterval().toMillis(),
        TimeUnit.MILLISECONDS);
    scheduleTokenRefresh();
    run(this::connect);
  }

  /** Every recv interval: batched recvs, overdue acks, due retries. */
  private void tick() {
    if (welcomed) {
      inbox.flushRecvs();
      if (outbox.overdue(options.ackTimeout())) {
        kill(); // an ack this late: the socket is dead
      }
    }
    outbox.pump();
  }

  private void scheduleTokenRefresh() {
    Instant expiresAt = api.tokens().expiresAt();
    Duration in = Duration.between(Instant.now(), expiresAt.minusSeconds(60));
    later(
        in.isNegative() ? Duration.ZERO : in,
        () ->
            api.refresh()
                .whenComplete(
                    (tokens, e) ->
                        run(
                            () -> {
                              if (e != null && e.getCause() instanceof Api.SessionEndedException) {
                                endSession("The refresh token was refused.");
                              } else if (!closed) {
                                if (e != null) {
                                  later(Duration.ofSeconds(5), this::scheduleTokenRefresh);
                                } else {
                                  scheduleTokenRefresh();
                                }
                              }
                            })));
  }

  // ---------------------------------------------------------------------------------------------
  // The socket

  private void connect() {
    if (closed) {
      return;
    }
    setState(Connection.CONNECTING);
    int gen = ++generation;
    api.post("/api/auth/ws-ticket", null, true)
        .thenCompose(
            answer -> {
              if (answer.status() != 200) {
                throw answer.problem();
              }
              String ticket = answer.json().path("ticket").asString();
              URI ws =
                  URI.create(
                      api.base().toString().replaceFirst("^http", "ws")
                          + "/ws?ticket="
                          + Api.encode(ticket));
              return http.newWebSocketBuilder()
                  .connectTimeout(Duration.ofSeconds(10))
                  .buildAsync(ws, new SocketListener(gen));
            })
        .whenComplete(
            (ws, e) ->
                run(
                    () -> {
                      if (e != null) {
                        if (e.getCause() instanceof Api.SessionEndedException) {
                          endSession("The session ended.");
                        } else {
                          disconnected(gen);
                        }
                      } else if (gen != generation || closed) {
                        ws.abort();
                      } else {
                        socket = ws;
                        sending = CompletableFuture.completedFuture(ws);
                        lastFrameNanos = System.nanoTime();
                      }
                    }));
  }

  private void disconnected(int gen) {
    if (gen != generation) {
      return;
    }
    generation++;
    socket = null;
    welcomed = false;
    cancel(heartbeat);
    cancel(stable);
    outbox.socketLost();
    if (closed) {
      return;
    }
    setState(Connection.DISCONNECTED);
    later(backoff.next(), this::connect);
    outbox.pump(); // REST while the socket is down
  }

  private void onFrame(int gen, JsonNode frame) {
    if (gen != generation) {
      return;
    }
    lastFrameNanos = System.nanoTime();
    switch (frame.path("type").asString("")) {
      case "welcome" -> welcome(frame);
      case "message" -> inbox.pushed(Message.of(frame));
      case "ack" -> outbox.acked(frame);
      case "error" -> {
        if (!outbox.refused(frame)) {
          listener.onFrame(frame);
        }
      }
      case "pong" -> {}
      default -> listener.onFrame(frame);
    }
  }

  private void welcome(JsonNode frame) {
    welcomed = true;
    heartbeatMillis = frame.path("heartbeatIntervalMs").asLong(30_000);
    int gen = generation;
    heartbeat =
        loop.scheduleWithFixedDelay(
            () -> run(() -> ping(gen)), heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    stable = loop.schedule(() -> run(backoff::reset), 10, TimeUnit.SECONDS);
    setState(Connection.CONNECTED);
    inbox.catchUpAll();
    outbox.pump();
  }

  private void ping(int gen) {
    if (gen != generation || socket == null) {
      return;
    }
    long silentMillis = (System.nanoTime() - lastFrameNanos) / 1_000_000;
    if (silentMillis > heartbeatMillis + Math.min(heartbeatMillis, 15_000)) {
      kill(); // no pong, no frame: dead
      return;
    }
    frame(Map.of("type", "ping"));
  }

  /** Writes one frame; the JDK socket takes one write at a time, so writes are chained. */
  void frame(Object frame) {
    if (socket == null) {
      return;
    }
    String text = JSON.writeValueAsString(frame);
    WebSocket current = socket;
    int gen = generation;
    sending =
        sending
            .thenCompose(ws -> current.sendText(text, true))
            .exceptionally(
                e -> {
                  current.abort();
                  run(() -> disconnected(gen));
                  return current;
                });
  }

  /**
   * Drops the socket now. The JDK reports nothing to the listener after {@code abort()}, so the
   * client notes the loss itself (and a late callback of that socket is ignored by generation).
   */
  private void kill() {
    if (socket != null) {
      socket.abort();
      disconnected(generation);
    }
  }

  private void endSession(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    kill();
    outbox.failAll(new ParleyException(401, "session_ended", reason));
    setState(Connection.CLOSED);
    listener.onSessionEnded(reason);
  }

  private void setState(Connection next) {
    if (state != next) {
      state = next;
      listener.onConnection(next);
    }
  }

  private static void cancel(ScheduledFuture<?> task) {
    if (task != null) {
      task.cancel(false);
    }
  }

  /** The JDK's callbacks, handed to the loop. */
  private final class SocketListener implements WebSocket.Listener {
    private final int gen;
    private final StringBuilder text = new StringBuilder();

    SocketListener(int gen) {
      this.gen = gen;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String complete = text.toString();
        text.setLength(0);
        JsonNode frame = JSON.readTree(complete);
        run(() -> onFrame(gen, frame));
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      run(
          () -> {
            if (statusCode == 4001) {
              endSession("The device session ended (" + reason + ").");
            } else {
              disconnected(gen);
            }
          });
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      run(() -> disconnected(gen));
    }
  }
}
