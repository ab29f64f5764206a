package com.parley.im.gateway.session;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * One open client WebSocket: who is on it, when the client last sent a frame, and the bounded queue
 * of frames waiting to be written to it.
 *
 * <p>Promises: frames passed to {@link #send} are written in the order they were accepted; a frame
 * passed with {@link #close} is the last one written before the close frame. A client that stops
 * reading while frames keep coming is disconnected once {@code queueLimit} frames wait, instead of
 * being buffered for without bound; it does not learn why (nothing more can be written to it), and
 * the frames waiting for it are dropped (clients catch up by seq when they reconnect).
 *
 * <p>Redelivery (PROTOCOL.md guarantee 4): {@code message} frames queued with {@link #sendAndKeep}
 * are kept until a {@code recv} covers them and written again by {@link #redeliverDue} (called by
 * the instance's one redelivery timer) while the socket lasts. They are gone with the socket: after
 * a reconnect the client catches up by seq.
 *
 * <p>Kept small on purpose (a few fields and a queue that grows in chunks of 16; the frames kept
 * for redelivery only exist while some wait): an idle socket must cost little beyond what Netty
 * holds for the connection.
 */
public final class ClientSession {

  private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
  private static final int QUEUE_CHUNK = 16;

  private final String userId;
  private final String deviceId;
  private final String sessionId;
  private final WebSocketSession socket;
  private final Runnable abort;
  private final int queueLimit;
  private final Queue<String> queue;
  private final Sinks.Many<String> outbound;
  private static final AtomicIntegerFieldUpdater<ClientSession> UNANSWERED =
      AtomicIntegerFieldUpdater.newUpdater(ClientSession.class, "unansweredSends");

  private volatile long lastFrameNanos = System.nanoTime();
  private volatile int unansweredSends;
  private CloseStatus closeStatus; // guarded by this
  private PendingFrames pending; // guarded by this; null while no frame waits for a recv

  /**
   * @param abort drops the connection at once, without a close handshake (for clients that do not
   *     read)
   */
  public ClientSession(
      String userId,
      String deviceId,
      String sessionId,
      WebSocketSession socket,
      Runnable abort,
      int queueLimit) {
    this.userId = userId;
    this.deviceId = deviceId;
    this.sessionId = sessionId;
    this.socket = socket;
    this.abort = abort;
    this.queueLimit = queueLimit;
    this.queue = Queues.<String>unbounded(QUEUE_CHUNK).get();
    // Emissions are serialised by this object's monitor, so the unsafe (unchecked) sink is enough.
    this.outbound = Sinks.unsafe().many().unicast().onBackpressureBuffer(queue);
  }

  public String userId() {
    return userId;
  }

  public String deviceId() {
    return deviceId;
  }

  public String sessionId() {
    return sessionId;
  }

  public String id() {
    return socket.getId();
  }

  /** Counts a {@code send} of this socket that waits for its answer; returns how many wait now. */
  public int sendStarted() {
    return UNANSWERED.incrementAndGet(this);
  }

  /** Counts down {@link #sendStarted} once the send's answer was queued (or given up). */
  public void sendAnswered() {
    UNANSWERED.decrementAndGet(this);
  }

  /** Records that the client sent a data frame just now (a sign of life). */
  public void touch() {
    lastFrameNanos = System.nanoTime();
  }

  /** Nanoseconds ({@link System#nanoTime()} scale) of the client's last data frame. */
  public long lastFrameNanos() {
    return lastFrameNanos;
  }

  /**
   * Queues one JSON frame for this socket. Returns false when the socket is closing or was just
   * disconnected because too many frames were waiting.
   */
  public boolean send(String json) {
    return write(json, null, 0, 0) != Kept.NOT_QUEUED;
  }

  /** What {@link #sendAndKeep} did. */
  public enum Kept {
    /** The socket is closing or was just disconnected (see {@link #send}); nothing is kept. */
    NOT_QUEUED,
    /** Queued, and kept until a {@code recv} covers it. */
    KEPT,
    /** Queued and kept; the oldest kept frame was forgotten to stay within the limit. */
    KEPT_OLDEST_FORGOTTEN
  }

  /**
   * Queues a {@code message} frame like {@link #send} and keeps it until a {@code recv} covers its
   * {@code (conversationId, seq)} ({@link #covered}); {@link #redeliverDue} writes it again while
   * it is not covered. At most {@code pendingLimit} frames are kept; beyond, the oldest is
   * forgotten (the client catches up by seq).
   */
  public Kept sendAndKeep(String conversationId, long seq, String json, int pendingLimit) {
    return write(json, conversationId, seq, pendingLimit);
  }

  private Kept write(String json, String conversationId, long seq, int pendingLimit) {
    boolean overflow;
    Kept kept = Kept.KEPT;
    synchronized (this) {
      if (closeStatus != null) {
        return Kept.NOT_QUEUED;
      }
      overflow = queue.size() >= queueLimit;
      if (overflow) {
        closeStatus = CloseStatus.POLICY_VIOLATION;
        pending = null;
        outbound.tryEmitComplete();
      } else if (outbound.tryEmitNext(json).isFailure()) {
        return Kept.NOT_QUEUED;
      } else if (conversationId != null) {
        if (pending == null) {
          pending = new PendingFrames();
        }
        if (pending.keep(conversationId, seq, json, System.nanoTime(), pendingLimit)) {
          kept = Kept.KEPT_OLDEST_FORGOTTEN;
        }
      }
    }
    if (overflow) {
      log.info("Socket {} of user {} does not read: disconnecting", id(), userId);
      abort.run();
      return Kept.NOT_QUEUED;
    }
    return kept;
  }

  /**
   * The device has every message of the conversation up to {@code seq} (a {@code recv}): the kept
   * frames it covers are forgotten.
   */
  public void covered(String conversationId, long seq) {
    synchronized (this) {
      if (pending != null) {
        pending.cover(conversationId, seq);
        if (pending.isEmpty()) {
          pending = null;
        }
      }
    }
  }

  /**
   * Writes again the kept frames written at least {@code intervalNanos} ago, oldest first, and
   * counts them as written now. Writes at most {@code max}, and never fills the outbound queue
   * beyond half its limit (the rest wait for the next call), so that redelivery alone never
   * disconnects a slow reader. Returns how many were written.
   */
  public int redeliverDue(long nowNanos, long intervalNanos, int max) {
    synchronized (this) {
      if (pending == null || closeStatus != null) {
        return 0;
      }
      int room = Math.min(max, queueLimit / 2 - queue.size());
      if (room <= 0) {
        return 0;
      }
      int written = 0;
      for (String frame : pending.takeDue(nowNanos, intervalNanos, room)) {
        if (outbound.tryEmitNext(frame).isSuccess()) {
          written++;
        }
      }
      return written;
    }
  }

  /** How many {@code message} frames wait for a {@code recv}. */
  public synchronized int pendingFrames() {
    return pending == null ? 0 : pending.size();
  }

  /**
   * Writes {@code lastFrame} (when not null) after every frame queued so far, then closes the
   * socket with {@code status}. Later frames are not sent. Idempotent: the first call wins.
   */
  public void close(CloseStatus status, String lastFrame) {
    synchronized (this) {
      if (closeStatus != null) {
        return;
      }
      closeStatus = status;
      pending = null;
      if (lastFrame != null) {
        outbound.tryEmitNext(lastFrame);
      }
      outbound.tryEmitComplete();
    }
  }

  /** Stops queueing frames because the connection has ended. */
  public void ended() {
    synchronized (this) {
      if (closeStatus == null) {
        closeStatus = CloseStatus.NORMAL;
      }
      pending = null;
      outbound.tryEmitComplete();
    }
  }

  /** The status the socket was (or is being) closed with; null while it is open. */
  public synchronized CloseStatus closeStatus() {
    return closeStatus;
  }

  public synchronized boolean isClosing() {
    return closeStatus != null;
  }

  /**
   * Writes the queued frames as they come, then the close frame once {@link #close} was called. The
   * handler of the socket subscribes to this exactly once.
   */
  public Mono<Void> writeAll() {
    Flux<WebSocketMessage> frames = outbound.asFlux().map(socket::textMessage);
    return socket
        .send(frames)
        .then(
            Mono.defer(
                () -> {
                  CloseStatus status;
                  synchronized (this) {
                    status = closeStatus;
                  }
                  return status == null || status.equals(CloseStatus.NORMAL)
                      ? Mono.<Void>empty()
                      : socket.close(status);
                }))
        .onErrorResume(e -> Mono.empty());
  }

  @Override
  public String toString() {
    return "ClientSession[" + id() + " user=" + userId + " device=" + deviceId + "]";
  }
}
