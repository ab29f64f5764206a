package com.parley.sdk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * What the device has of each conversation (ADR 0025, the model of ADR 0014): {@code syncedSeq}, up
 * to which every readable message was shown, and the messages held above a gap. Touched on the
 * client's loop only.
 *
 * <p>A message at or below {@code syncedSeq}, or already held, is a repeat: dropped, and the {@code
 * recv} is sent again. One above {@code syncedSeq + 1} is held; the app sees messages only as
 * {@code syncedSeq} passes them. A gap starts a catch-up after 100 ms ({@code afterSeq =
 * syncedSeq}, pages of 200, until nothing is missing). Seqs the user may not read (before joining,
 * while removed) are recognised from the pages: what a full page lacks up to its last seq, and what
 * a short page lacks up to the highest seq known before the request, is skipped.
 */
final class Inbox {

  private static final int PAGE = 200;
  private static final Duration GAP_WAIT = Duration.ofMillis(100);

  private static final class Conversation {
    long syncedSeq = -1; // -1: never seen
    long lastSeqKnown;
    long recvSent;
    boolean catchingUp;
    boolean repairScheduled;
    final TreeMap<Long, Message> held = new TreeMap<>();
    final List<Message> shown = new ArrayList<>();
  }

  private final ParleyClient client;
  private final long initialHistory;
  private final Map<String, Conversation> conversations = new HashMap<>();

  Inbox(ParleyClient client, long initialHistory) {
    this.client = client;
    this.initialHistory = initialHistory;
  }

  List<Message> shown(String conversationId) {
    Conversation c = conversations.get(conversationId);
    return c == null ? List.of() : List.copyOf(c.shown);
  }

  /** A pushed {@code message}, or the user's own acked send. */
  void pushed(Message message) {
    Conversation c = conversation(message.conversationId(), message.seq());
    if (message.seq() <= c.syncedSeq || c.held.containsKey(message.seq())) {
      c.recvSent = -1; // a repeat: the server wants the recv again
      return;
    }
    c.held.put(message.seq(), message);
    c.lastSeqKnown = Math.max(c.lastSeqKnown, message.seq());
    drain(message.conversationId(), c, c.syncedSeq);
  }

  /** After each connect: the conversation list, and a catch-up of every one that moved. */
  void catchUpAll() {
    client
        .api()
        .get("/api/conversations")
        .whenComplete(
            (answer, e) ->
                client.run(
                    () -> {
                      if (e != null || answer.status() != 200) {
                        return; // the next connect or gap tries again
                      }
                      for (JsonNode entry : answer.json().path("conversations")) {
                        String id = entry.path("id").asString();
                        long lastSeq = entry.path("lastSeq").asLong();
                        Conversation c = conversation(id, lastSeq + 1);
                        c.lastSeqKnown = Math.max(c.lastSeqKnown, lastSeq);
                        if (lastSeq > c.syncedSeq) {
                          catchUp(id, c);
                        }
                      }
                    }));
  }

  /** Sends {@code recv} for every conversation whose {@code syncedSeq} moved (batched). */
  void flushRecvs() {
    conversations.forEach(
        (id, c) -> {
          if (c.syncedSeq > 0 && c.syncedSeq != c.recvSent) {
            c.recvSent = c.syncedSeq;
            client.frame(
                java.util.Map.of("type", "recv", "conversationId", id, "seq", c.syncedSeq));
          }
        });
  }

  private Conversation conversation(String id, long firstSeq) {
    Conversation c = conversations.computeIfAbsent(id, k -> new Conversation());
    if (c.syncedSeq < 0) {
      // First sight: its newest messages are fetched (all of them with withFullHistory()).
      c.syncedSeq = Math.max(0, firstSeq - 1 - Math.min(initialHistory, firstSeq));
    }
    return c;
  }

  /** Shows what is contiguous above syncedSeq; skips unreadable seqs up to {@code skipTo}. */
  private void drain(String id, Conversation c, long skipTo) {
    List<Message> fresh = new ArrayList<>();
    while (true) {
      long next = c.syncedSeq + 1;
      Message message = c.held.remove(next);
      if (message != null) {
        fresh.add(message);
        c.syncedSeq = next;
      } else if (next <= skipTo) {
        c.syncedSeq = next; // unreadable for this user
      } else {
        break;
      }
    }
    if (!fresh.isEmpty()) {
      c.shown.addAll(fresh);
      client.listener().onMessages(id, List.copyOf(fresh));
    }
    if (!c.held.isEmpty() && !c.repairScheduled && !c.catchingUp) {
      c.repairScheduled = true;
      client.later(
          GAP_WAIT,
          () -> {
            c.repairScheduled = false;
            if (!c.held.isEmpty()) {
              catchUp(id, c);
            }
          });
    }
  }

  private void catchUp(String id, Conversation c) {
    if (c.catchingUp) {
      return;
    }
    c.catchingUp = true;
    long after = c.syncedSeq;
    long knownBefore = Math.max(c.lastSeqKnown, c.held.isEmpty() ? 0 : c.held.lastKey());
    client
        .api()
        .get("/api/conversations/" + id + "/messages?afterSeq=" + after + "&limit=" + PAGE)
        .whenComplete(
            (answer, e) ->
                client.run(
                    () -> {
                      c.catchingUp = false;
                      if (e != null || answer.status() != 200) {
                        client.later(Duration.ofSeconds(1), () -> catchUp(id, c));
                        return;
                      }
                      List<Message> page = new ArrayList<>();
                      for (JsonNode m : answer.json().path("messages")) {
                        page.add(Message.of(m));
                      }
                      for (Message m : page) {
                        if (m.seq() > c.syncedSeq) {
                          c.held.putIfAbsent(m.seq(), m);
                        }
                      }
                      long pageLast = page.isEmpty() ? after : page.get(page.size() - 1).seq();
                      boolean full = page.size() == PAGE;
                      drain(id, c, full ? pageLast : Math.max(pageLast, knownBefore));
                      if (full || c.syncedSeq < c.lastSeqKnown) {
                        catchUp(id, c);
                      }
                    }));
  }
}
