package com.parley.im.message.group;

import com.parley.im.message.conversation.DatabaseConversationAccess;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

/**
 * Forgets what the access checks cached about a group's members once a change of them commits, so
 * that this instance's fan-out sees the change at once (other replicas within the cache's TTL, see
 * {@link DatabaseConversationAccess}).
 */
@Component
class GroupMembershipCache {

  private final ObjectProvider<DatabaseConversationAccess> access;

  GroupMembershipCache(ObjectProvider<DatabaseConversationAccess> access) {
    this.access = access;
  }

  /**
   * Evicts the group's members right after the current transaction commits. Call it at the start of
   * the transaction: the eviction then runs before the outbox wakes its relay (synchronizations run
   * in registration order, this one first), so the fan-out of the change's own system message
   * already reads the new members.
   */
  Mono<Void> evictAfterCommit(String conversationId) {
    return TransactionSynchronizationManager.forCurrentTransaction()
        .doOnNext(
            tsm ->
                tsm.registerSynchronization(new EvictAfterCommit(() -> evictNow(conversationId))))
        .then();
  }

  void evictNow(String conversationId) {
    access.ifAvailable(a -> a.evict(conversationId));
  }

  private record EvictAfterCommit(Runnable evict) implements TransactionSynchronization, Ordered {
    @Override
    public Mono<Void> afterCommit() {
      return Mono.fromRunnable(evict);
    }

    @Override
    public int getOrder() {
      return Ordered.HIGHEST_PRECEDENCE;
    }
  }
}
