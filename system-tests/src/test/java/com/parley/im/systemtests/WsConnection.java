package com.parley.im.systemtests;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;

/** One client WebSocket on {@code /ws}: records every frame the server sends and how it closed. */
public final class WsConnection implements WebSocket.Listener, AutoCloseable {

  public static final Duration TIMEOUT = Duration.ofSeconds(15);

  /** "conversationId/seq" of each message frame -> when it first arrived. */
  private final java.util.Map<String, Long> firstArrivals =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** How the server closed the connection: a close frame's status, or an error. */
  public record Closed(int statusCode, String reason, Throwable error) {}

  private final List<JsonNode> frames = new ArrayList<>();
  private final List<String> rawFrames = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private volatile WebSocket socket;

  /** One send at a time: the JDK WebSocket refuses a send while another is outstanding. */
  private final Object sendLock = new Object();

  /** Set by {@link #autoRecv()}: sends the {@code recv} frames off the listener's thread. */
  private volatile ExecutorService recvSender;

  private WsConnection() {}

  /** The handshake's outcome: a connection, or the HTTP status with which it was refused. */
  public record Attempt(WsConnection connection, int refusedStatus, Throwable failure) {
    public boolean refused() {
      return connection == null;
    }
  }

  public static URI wsUri(String query) {
    String base = RunningSystem.baseUrl().replaceFirst("^http", "ws");
    return URI.create(base + "/ws" + (query == null ? "" : "?" + query));
  }

  public static WsConnection withTicket(String ticket) {
    return connect(wsUri("ticket=" + ParleyClient.encode(ticket)), Map.of());
  }

  public static WsConnection withBearer(String accessToken) {
    return connect(wsUri(null), Map.of("Authorization", "Bearer " + accessToken));
  }

  /** Connects, failing the test if the handshake is refused. */
  public static WsConnection connect(URI uri, Map<String, String> headers) {
    Attempt attempt = attempt(uri, headers);
    if (attempt.refused()) {
      throw new AssertionError(
          "WebSocket handshake to " + uri + " refused (HTTP " + attempt.refusedStatus() + ")",
          attempt.failure());
    }
    return attempt.connection();
  }

  /** Tries to connect; a refused handshake is an outcome, not an error. */
  public static Attempt attempt(URI uri, Map<String, String> headers) {
    WsConnection connection = new WsConnection();
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    headers.forEach(builder::header);
    try {
      connection.socket = builder.buildAsync(uri, connection).get(20, TimeUnit.SECONDS);
      return new Attempt(connection, 0, null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof WebSocketHandshakeException handshake) {
        return new Attempt(null, handshake.getResponse().statusCode(), handshake);
      }
      return new Attempt(null, -1, cause);
    } catch (TimeoutException e) {
      throw new AssertionError("WebSocket handshake to " + uri + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Listener

  /**
   * When the {@code message} frame with this seq first arrived ({@link System#nanoTime}), or null.
   */
  public Long firstArrival(String conversationId, long seq) {
    return firstArrivals.get(conversationId + "/" + seq);
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    synchronized (frames) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        rawFrames.add(text);
        try {
          frames.add(ParleyClient.JSON.readTree(text));
        } catch (RuntimeException notJson) {
          frames.add(
              ParleyClient.JSON.createObjectNode().put("type", "<not json>").put("raw", text));
        }
        JsonNode frame = frames.get(frames.size() - 1);
        if ("message".equals(frame.path("type").asString())) {
          firstArrivals.putIfAbsent(
              frame.path("conversationId").asString() + "/" + frame.path("seq").asLong(),
              System.nanoTime());
        }
        answerWithRecv(frame);
      }
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    synchronized (frames) {
      frames.add(ParleyClient.JSON.createObjectNode().put("type", "<binary>"));
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(new Closed(statusCode, reason, null));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(new Closed(-1, String.valueOf(error), error));
  }

  // ----------------------------------------------------------------------------------------------
  // client side

  public void sendText(String text) {
    try {
      synchronized (sendLock) {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("could not send " + text, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public void send(Object frame) {
    sendText(ParleyClient.JSON.writeValueAsString(frame));
  }

  /** Every frame received so far. */
  public List<JsonNode> frames() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  private Optional<JsonNode> find(Predicate<JsonNode> predicate) {
    synchronized (frames) {
      return frames.stream().filter(predicate).findFirst();
    }
  }

  /** Waits for the first frame that matches (already received or still to come). */
  public JsonNode awaitFrame(String description, Predicate<JsonNode> predicate) {
    return await(description + " among frames " + rawFramesSnapshot())
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> find(predicate), Optional::isPresent)
        .orElseThrow();
  }

  public JsonNode awaitType(String type) {
    return awaitFrame("a `" + type + "` frame", f -> type.equals(f.path("type").asString()));
  }

  /** Waits for a frame of this type that echoes this client frame id. */
  public JsonNode awaitReply(String type, String id) {
    return awaitFrame(
        "a `" + type + "` frame with id " + id,
        f -> type.equals(f.path("type").asString()) && id.equals(f.path("id").asString()));
  }

  private String rawFramesSnapshot() {
    synchronized (frames) {
      return String.valueOf(rawFrames);
    }
  }

  public boolean isClosed() {
    return closed.isDone() || socket.isInputClosed();
  }

  /** Waits until the server closes the connection and says how. */
  public Closed awaitClose() {
    try {
      return closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "the server did not close the WebSocket within "
              + TIMEOUT
              + "; frames: "
              + rawFramesSnapshot());
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    ExecutorService sender = recvSender;
    if (sender != null) {
      sender.shutdownNow();
    }
    if (socket == null) {
      return;
    }
    try {
      if (!socket.isOutputClosed()) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException ignored) {
      // the server may already be gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      socket.abort();
    }
  }

  // ----------------------------------------------------------------------------------------------
  // messaging (PROTOCOL.md "send", "recv", "read"; message, ack, receipt frames)

  /** A {@code send} frame; {@code body} may be any JSON value, or null to leave it out. */
  public static Map<String, Object> sendFrame(
      String id, String conversationId, String kind, Object body) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "send");
    frame.put("id", id);
    frame.put("conversationId", conversationId);
    if (kind != null) {
      frame.put("kind", kind);
    }
    if (body != null) {
      frame.put("body", body);
    }
    return frame;
  }

  /** A {@code send} frame of kind {@code text}. */
  public static Map<String, Object> textFrame(String id, String conversationId, String text) {
    return sendFrame(id, conversationId, "text", Map.of("text", text));
  }

  /**
   * From now on, answers every {@code message} frame with a {@code recv} for its {@code
   * (conversationId, seq)}, as a careful client does ("a recv after each"). Returns this.
   */
  public WsConnection autoRecv() {
    if (recvSender == null) {
      recvSender =
          Executors.newSingleThreadExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "ws-auto-recv");
                thread.setDaemon(true);
                return thread;
              });
    }
    return this;
  }

  private void answerWithRecv(JsonNode frame) {
    ExecutorService sender = recvSender;
    if (sender == null || !"message".equals(frame.path("type").asString())) {
      return;
    }
    String conversationId = frame.path("conversationId").asString();
    long seq = frame.path("seq").asLong();
    try {
      sender.execute(
          () -> {
            if (!isClosed()) {
              recv(conversationId, seq);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // closed meanwhile
    }
  }

  /** "This device has everything up to seq" in that conversation. */
  public void recv(String conversationId, long seq) {
    send(Map.of("type", "recv", "conversationId", conversationId, "seq", seq));
  }

  /** "This user has read up to seq" in that conversation. */
  public void read(String conversationId, long seq) {
    send(Map.of("type", "read", "conversationId", conversationId, "seq", seq));
  }

  /** The frames received so far that match, in arrival order. */
  public List<JsonNode> frames(Predicate<JsonNode> predicate) {
    synchronized (frames) {
      return frames.stream().filter(predicate).toList();
    }
  }

  /** The {@code message} frames of one conversation received so far, in arrival order. */
  public List<JsonNode> messages(String conversationId) {
    return frames(
        f ->
            "message".equals(f.path("type").asString())
                && conversationId.equals(f.path("conversationId").asString()));
  }

  /** Waits, up to {@code timeout}, for the first frame that matches. */
  public JsonNode awaitFrame(String description, Predicate<JsonNode> predicate, Duration timeout) {
    return awaitFrames(description, predicate, 1, timeout).get(0);
  }

  /**
   * Waits, up to {@code timeout}, until at least {@code count} frames match; returns every matching
   * frame received by then, in arrival order.
   */
  public List<JsonNode> awaitFrames(
      String description, Predicate<JsonNode> predicate, int count, Duration timeout) {
    try {
      return await(description)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> frames(predicate), list -> list.size() >= count);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "no "
              + count
              + " x "
              + description
              + " within "
              + timeout
              + " (got "
              + frames(predicate).size()
              + "); frames: "
              + rawFramesSnapshot(),
          e);
    }
  }

  /** Waits for the answer to a client frame with this id: an {@code ack} or an {@code error}. */
  public JsonNode awaitAnswer(String id, Duration timeout) {
    return awaitFrame(
        "an `ack` or `error` frame with id " + id,
        f ->
            id.equals(f.path("id").asString())
                && ("ack".equals(f.path("type").asString())
                    || "error".equals(f.path("type").asString())),
        timeout);
  }

  /** Sends a frame carrying an {@code id} and waits for its {@code ack} or {@code error}. */
  public JsonNode sendAndAwaitAnswer(Map<String, Object> frame, Duration timeout) {
    send(frame);
    return awaitAnswer(String.valueOf(frame.get("id")), timeout);
  }

  /**
   * Sends every frame without waiting for answers (pipelining), then waits for all their answers
   * and returns them in send order.
   */
  public List<JsonNode> pipeline(List<Map<String, Object>> sendFrames, Duration timeout) {
    sendFrames.forEach(this::send);
    List<JsonNode> answers = new ArrayList<>();
    for (Map<String, Object> frame : sendFrames) {
      answers.add(awaitAnswer(String.valueOf(frame.get("id")), timeout));
    }
    return answers;
  }
}
