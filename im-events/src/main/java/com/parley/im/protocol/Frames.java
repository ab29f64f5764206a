package com.parley.im.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * Server-to-client WebSocket frames of PROTOCOL.md. Each serialises to one JSON object whose {@code
 * type} member names the frame.
 */
public final class Frames {

  private Frames() {}

  /** The first frame on every socket. */
  public record Welcome(
      String userId,
      String deviceId,
      String sessionId,
      long heartbeatIntervalMs,
      Instant serverTime) {
    public String getType() {
      return "welcome";
    }
  }

  /** The answer to a client {@code ping}. */
  public record Pong(String id, Instant serverTime) {
    public String getType() {
      return "pong";
    }
  }

  /**
   * A refused frame. The connection stays open unless {@code code} is {@link ErrorCodes#CLOSING}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Error(String id, String code, String message) {
    public String getType() {
      return "error";
    }
  }

  /** A message was durably stored: the answer to a {@code send} (the client's id echoed). */
  public record Ack(
      String id, String messageId, String conversationId, long seq, Instant createdAt) {
    public String getType() {
      return "ack";
    }
  }

  /**
   * A message stored in one of the user's conversations (PROTOCOL.md's message object). {@code
   * body} is null once the message was recalled ({@code recalledAt} then says when).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Message(
      String messageId,
      String conversationId,
      long seq,
      String senderId,
      String senderDeviceId,
      String clientMsgId,
      String kind,
      Map<String, Object> body,
      Instant createdAt,
      Instant recalledAt) {
    public String getType() {
      return "message";
    }
  }

  /** Another member's device received ({@code deliveredSeq}) or the member read up to a seq. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Receipt(String conversationId, String userId, Long deliveredSeq, Long readSeq) {
    public String getType() {
      return "receipt";
    }
  }

  /**
   * The user was added to a conversation, or it changed ({@code change} as in ConversationChanged:
   * {@code created}, {@code renamed}, {@code members_added}, {@code member_removed}, {@code
   * member_left}). {@code removed} is true when the user is no longer a member. Clients refresh the
   * conversation with {@code GET /api/conversations?since=...}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Conversation(
      String conversationId,
      String conversationType,
      String change,
      String name,
      Integer memberCount,
      Long seq,
      Boolean removed) {
    public String getType() {
      return "conversation";
    }
  }

  /** Another member is typing in a conversation. */
  public record Typing(String conversationId, String fromUserId) {
    public String getType() {
      return "typing";
    }
  }

  /** WebRTC call signalling relayed from another user. */
  public record Signal(String fromUserId, String callId, Map<String, Object> payload) {
    public String getType() {
      return "signal";
    }
  }

  /**
   * The user's unread count of one conversation changed, or their total did (PROTOCOL.md: {@code
   * unread = lastSeq - readSeq}, {@code total} over the conversations that are not muted). A frame
   * carries the counts when it was written: a later frame replaces an earlier one.
   */
  public record Unread(String conversationId, long unread, long total) {
    public String getType() {
      return "unread";
    }
  }
}
