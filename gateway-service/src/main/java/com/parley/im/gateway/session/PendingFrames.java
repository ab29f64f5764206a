package com.parley.im.gateway.session;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code message} frames written to one socket and not yet covered by a {@code recv}, by {@code
 * (conversationId, seq)}, in the order they were last written (oldest first). Not thread safe: its
 * {@link ClientSession} guards it with its monitor, and creates it only when the first such frame
 * is written, so that an idle socket holds nothing.
 */
final class PendingFrames {

  private record Key(String conversationId, long seq) {}

  private static final class Entry {
    final String frame;
    long writtenNanos;

    Entry(String frame, long writtenNanos) {
      this.frame = frame;
      this.writtenNanos = writtenNanos;
    }
  }

  private final LinkedHashMap<Key, Entry> frames = new LinkedHashMap<>();

  /**
   * Keeps a frame just written. A frame already kept for the same {@code (conversationId, seq)}
   * stays as it is. Returns true when the oldest frame was forgotten to stay within {@code limit}.
   */
  boolean keep(String conversationId, long seq, String frame, long nowNanos, int limit) {
    Key key = new Key(conversationId, seq);
    if (frames.containsKey(key)) {
      return false;
    }
    boolean forgot = false;
    if (frames.size() >= limit) {
      Iterator<Key> oldest = frames.keySet().iterator();
      oldest.next();
      oldest.remove();
      forgot = true;
    }
    frames.put(key, new Entry(frame, nowNanos));
    return forgot;
  }

  /** Forgets the frames of the conversation up to and including {@code seq}. */
  void cover(String conversationId, long seq) {
    frames.keySet().removeIf(k -> k.seq <= seq && k.conversationId.equals(conversationId));
  }

  /**
   * The frames written at least {@code intervalNanos} ago, at most {@code max}, oldest first; they
   * count as written now (moved to the back).
   */
  List<String> takeDue(long nowNanos, long intervalNanos, int max) {
    List<Map.Entry<Key, Entry>> due = null;
    Iterator<Map.Entry<Key, Entry>> it = frames.entrySet().iterator();
    while (it.hasNext() && (due == null || due.size() < max)) {
      Map.Entry<Key, Entry> next = it.next();
      if (nowNanos - next.getValue().writtenNanos < intervalNanos) {
        break; // the rest were written later
      }
      if (due == null) {
        due = new ArrayList<>();
      }
      due.add(next);
      it.remove();
    }
    if (due == null) {
      return List.of();
    }
    List<String> written = new ArrayList<>(due.size());
    for (Map.Entry<Key, Entry> entry : due) {
      entry.getValue().writtenNanos = nowNanos;
      frames.put(entry.getKey(), entry.getValue());
      written.add(entry.getValue().frame);
    }
    return written;
  }

  int size() {
    return frames.size();
  }

  boolean isEmpty() {
    return frames.isEmpty();
  }
}
