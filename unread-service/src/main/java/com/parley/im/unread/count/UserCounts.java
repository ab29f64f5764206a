package com.parley.im.unread.count;

import java.util.List;

/**
 * A user's counts: one entry per conversation they are a member of. {@code unread = lastSeq -
 * readSeq} (never negative); the total is the sum over the conversations that are not muted.
 */
record UserCounts(String userId, List<ConversationCount> conversations) {

  record ConversationCount(String conversationId, long readSeq, long lastSeq, boolean muted) {

    /** A read position can arrive before the message it covers: lastSeq is at least readSeq. */
    ConversationCount {
      lastSeq = Math.max(lastSeq, readSeq);
    }

    long unread() {
      return lastSeq - readSeq;
    }
  }

  long total() {
    return conversations.stream()
        .filter(c -> !c.muted())
        .mapToLong(ConversationCount::unread)
        .sum();
  }

  /** The count of one conversation; 0 when the user is not (or no longer) a member. */
  long unread(String conversationId) {
    return conversations.stream()
        .filter(c -> c.conversationId().equals(conversationId))
        .mapToLong(ConversationCount::unread)
        .findFirst()
        .orElse(0);
  }
}
