package com.parley.im.message.conversation;

import com.parley.im.defaults.ApiException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
  default Mono<Void> requireCanSend(String conversationId, String userId) {
    Sender sender = new Sender(conversationId, userId);
    return refusedSenders(List.of(sender))
        .flatMap(
            refused ->
                refused.containsKey(sender) ? Mono.error(refused.get(sender)) : Mono.<Void>empty());
  }

  /** A user who wants to send to a conversation. */
  record Sender(String conversationId, String userId) {}

  /**
   * The check of {@link #requireCanSend} for many senders at once (one query): completes with the
   * refusal of each sender who may not send; those absent from the map may.
   */
  Mono<Map<Sender, ApiException>> refusedSenders(Collection<Sender> senders);

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
