package com.parley.im.message.inbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.parley.im.message.store.StoredMessage;
import java.time.Instant;
import java.util.List;

/**
 * A conversation in the caller's list (PROTOCOL.md, protocol-notes "Conversations and groups").
 *
 * @param peerId the other user of a direct conversation; absent for groups
 * @param unread {@code lastSeq - readSeq}, never negative
 * @param lastMessage the newest message the caller may read, or null
 * @param removed present (true) only in a sync, for a conversation the caller left or was removed
 *     from
 */
record ConversationView(
    String id,
    String type,
    String name,
    @JsonInclude(JsonInclude.Include.NON_NULL) String peerId,
    int memberCount,
    long lastSeq,
    long readSeq,
    long unread,
    StoredMessage lastMessage,
    Instant updatedAt,
    boolean muted,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean removed) {

  /** {@code GET /api/conversations}. */
  record Page(List<ConversationView> conversations, String syncToken) {}

  /** {@code POST /api/conversations/direct}. */
  record OpenDirect(String peerId) {}
}
