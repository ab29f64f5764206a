package com.parley.im.message.conversation;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Who may read, send to and receive a conversation. Every check errors with an {@code ApiException}
 * carrying PROTOCOL.md's status and code, so REST and socket answers agree.
 */
public interface ConversationAccess {

  /**
   * Completes when {@code userId} may send to the conversation; otherwise errors: 404 {@code
   * not_member} (unknown conversation or not an active member), 403 {@code not_friends} (a direct
   * conversation whose friendship ended), 403 {@code blocked} (the peer blocked the sender).
   */
  Mono<Void> requireCanSend(String conversationId, String userId);

  /**
   * Completes with the first seq the user may read (their joining seq) when {@code userId} is an
   * active member; otherwise errors 404 {@code not_member}.
   */
  Mono<Long> requireMember(String conversationId, String userId);

  /** The active members (for fan-out); empty for an unknown conversation. */
  Mono<List<String>> activeMembers(String conversationId);

  /**
   * The id of the direct conversation between two friends, created if it does not exist yet
   * (normally it was created from the friendship event). Errors: 400 {@code validation_failed} for
   * yourself, 403 {@code not_friends}, 403 {@code blocked}.
   */
  Mono<String> openDirect(String userId, String peerId);
}
