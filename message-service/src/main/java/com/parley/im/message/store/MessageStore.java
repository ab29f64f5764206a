package com.parley.im.message.store;

import java.util.Collection;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Writes and reads messages: the one place that allocates seqs and encrypts bodies (ADR 0006).
 *
 * <p>Promises: seqs of a conversation are 1, 2, 3, ... without gaps, allocated in the transaction
 * that inserts the messages (the conversation row stays locked until commit, so seq order is commit
 * order); every stored message has its {@code MessageStored} event in the outbox of the same
 * transaction, which is what pushes it to the members' devices (also after a crash).
 */
public interface MessageStore {

  /**
   * Stores a {@code system} message (group created, members added or removed, renamed) in the
   * caller's transaction, which must be open: the caller's own changes and the message commit
   * together.
   *
   * @param actorId the user whose action the message records (its {@code senderId})
   * @param body the message body, for example {@code {event: "members_added", userIds: [...]}}
   */
  Mono<StoredMessage> appendSystem(String conversationId, String actorId, Map<String, Object> body);

  /** The newest message of each given conversation that has one (for conversation lists). */
  Mono<Map<String, StoredMessage>> latest(Collection<String> conversationIds);
}
