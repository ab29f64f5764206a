package com.parley.sdk;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;

/**
 * Unacked sends, one lane per conversation (ADR 0025, the TypeScript SDK's model of ADR 0014).
 * Touched on the client's loop only.
 *
 * <p>Per conversation the sends leave in the order they were made, and a later one never leaves
 * while an earlier one is neither acked nor in flight: on the socket up to {@code window} in
 * flight; on REST (socket down) one request at a time. A lane switches transport only when nothing
 * of it is in flight (a lost socket's unanswered sends are unsent again, first to last). A
 * retryable refusal ({@code rate_limited}, {@code service_unavailable}, {@code internal_error})
 * sends that entry again after {@code retryAfterMs} (1 s if absent), with the same id, and the lane
 * goes one at a time for the next three acks, which bounds any reordering to the window that was in
 * flight; any other refusal is final. Every send that leaves, on either transport, first takes a
 * token of the client's {@link SendPace}; without one it waits for a later pump (the client's
 * tick).
 */
final class Outbox {

  private static final Set<String> RETRYABLE =
      Set.of("rate_limited", "service_unavailable", "internal_error");

  private enum State {
    UNSENT,
    ON_SOCKET,
    ON_REST
  }

  private static final class Entry {
    final String id;
    final String conversationId;
    final String kind;
    final JsonNode body;
    final CompletableFuture<Message> done;
    State state = State.UNSENT;
    long notBeforeNanos;
    long sentNanos;

    Entry(
        String id,
        String conversationId,
        String kind,
        JsonNode body,
        CompletableFuture<Message> done) {
      this.id = id;
      this.conversationId = conversationId;
      this.kind = kind;
      this.body = body;
      this.done = done;
    }
  }

  private static final class Lane {
    final Deque<Entry> entries = new ArrayDeque<>();
    int strictAcks;
  }

  private final ParleyClient client;
  private final int window;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private final Map<String, Entry> byId = new HashMap<>();
  private final SendPace pace = new SendPace(System.nanoTime());

  Outbox(ParleyClient client, int window) {
    this.client = client;
    this.window = window;
  }

  void add(
      String conversationId,
      String id,
      String kind,
      JsonNode body,
      CompletableFuture<Message> done) {
    Entry existing = byId.get(id);
    if (existing != null) {
      existing.done.whenComplete((m, e) -> complete(done, m, e));
      return;
    }
    Entry entry = new Entry(id, conversationId, kind, body, done);
    byId.put(id, entry);
    lanes.computeIfAbsent(conversationId, c -> new Lane()).entries.add(entry);
    pump();
  }

  boolean hasEntries() {
    return !byId.isEmpty();
  }

  /** Sends what may leave now, on the socket when it is open, else over REST. */
  void pump() {
    long now = System.nanoTime();
    for (Lane lane : lanes.values()) {
      int inFlight = 0;
      for (Entry entry : lane.entries) {
        if (entry.state == State.ON_REST) {
          break; // REST requests can overtake each other: one at a time
        }
        if (entry.state == State.ON_SOCKET) {
          inFlight++;
          continue;
        }
        if (entry.notBeforeNanos - now > 0) {
          break; // waiting for its retry: the later ones wait behind it
        }
        if (client.socketOpen()) {
          if (inFlight >= (lane.strictAcks > 0 ? 1 : window) || !pace.take(now)) {
            break;
          }
          entry.state = State.ON_SOCKET;
          entry.sentNanos = now;
          inFlight++;
          client.frame(
              Map.of(
                  "type", "send",
                  "id", entry.id,
                  "conversationId", entry.conversationId,
                  "kind", entry.kind,
                  "body", entry.body));
        } else {
          if (inFlight == 0 && pace.take(now)) {
            sendOverRest(entry);
          }
          break;
        }
      }
    }
  }

  private void sendOverRest(Entry entry) {
    entry.state = State.ON_REST;
    client
        .api()
        .post(
            "/api/conversations/" + entry.conversationId + "/messages",
            Map.of("clientMsgId", entry.id, "kind", entry.kind, "body", entry.body),
            true)
        .whenComplete(
            (answer, e) ->
                client.run(
                    () -> {
                      if (entry.state != State.ON_REST) {
                        return; // failed or closed meanwhile
                      }
                      if (e != null) {
                        retry(entry, 1000);
                      } else if (answer.status() == 200 || answer.status() == 201) {
                        done(entry, Message.of(answer.json()));
                      } else if (answer.status() == 429 || answer.status() >= 500) {
                        retry(entry, answer.json().path("retryAfterMs").asLong(1000));
                      } else {
                        fail(entry, answer.problem());
                      }
                      pump();
                    }));
  }

  /** An {@code ack} frame; false when it names no send of this client. */
  boolean acked(JsonNode ack) {
    Entry entry = byId.get(ack.path("id").asString(""));
    if (entry == null) {
      return false;
    }
    done(
        entry,
        new Message(
            ack.path("messageId").asString(),
            ack.path("conversationId").asString(entry.conversationId),
            ack.path("seq").asLong(),
            client.userId(),
            client.deviceId(),
            entry.id,
            entry.kind,
            entry.body,
            Instant.parse(ack.path("createdAt").asString()),
            null));
    Lane lane = lanes.get(entry.conversationId);
    if (lane != null && lane.strictAcks > 0) {
      lane.strictAcks--;
    }
    pump();
    return true;
  }

  /** An {@code error} frame; false when it names no send of this client. */
  boolean refused(JsonNode error) {
    Entry entry = byId.get(error.path("id").asString(""));
    if (entry == null) {
      return false;
    }
    String code = error.path("code").asString("");
    if (RETRYABLE.contains(code)) {
      retry(entry, error.path("retryAfterMs").asLong(1000));
    } else {
      fail(entry, new ParleyException(0, code, error.path("message").asString("")));
    }
    pump();
    return true;
  }

  /** The socket is gone: what it carried is unsent again, first to last. */
  void socketLost() {
    for (Entry entry : byId.values()) {
      if (entry.state == State.ON_SOCKET) {
        entry.state = State.UNSENT;
      }
    }
  }

  /** True when a send on the socket has waited longer than {@code timeout} for its answer. */
  boolean overdue(Duration timeout) {
    long now = System.nanoTime();
    for (Entry entry : byId.values()) {
      if (entry.state == State.ON_SOCKET && now - entry.sentNanos > timeout.toNanos()) {
        return true;
      }
    }
    return false;
  }

  void failAll(ParleyException reason) {
    for (Entry entry : byId.values().toArray(Entry[]::new)) {
      fail(entry, reason);
    }
  }

  private void retry(Entry entry, long afterMillis) {
    entry.state = State.UNSENT;
    entry.notBeforeNanos = System.nanoTime() + afterMillis * 1_000_000;
    Lane lane = lanes.get(entry.conversationId);
    if (lane != null) {
      lane.strictAcks = 3;
    }
    client.later(Duration.ofMillis(afterMillis), this::pump);
  }

  private void done(Entry entry, Message message) {
    remove(entry);
    client.inboxOwn(message);
    entry.done.complete(message);
  }

  private void fail(Entry entry, ParleyException reason) {
    remove(entry);
    entry.done.completeExceptionally(reason);
  }

  private void remove(Entry entry) {
    byId.remove(entry.id);
    Lane lane = lanes.get(entry.conversationId);
    if (lane != null) {
      lane.entries.remove(entry);
      if (lane.entries.isEmpty()) {
        lanes.remove(entry.conversationId);
      }
    }
    entry.state = null;
  }

  private static void complete(CompletableFuture<Message> done, Message m, Throwable e) {
    if (e != null) {
      done.completeExceptionally(e);
    } else {
      done.complete(m);
    }
  }
}
