package com.parley.im.message.group;

import com.parley.im.message.conversation.DatabaseConversationAccess;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Forgets what the access checks cached about a group's members once a change of them committed, so
 * that this instance's fan-out sees the change at once (other replicas within the cache's TTL, see
 * {@link DatabaseConversationAccess}).
 */
@Component
class GroupMembershipCache {

  private final ObjectProvider<DatabaseConversationAccess> access;

  GroupMembershipCache(ObjectProvider<DatabaseConversationAccess> access) {
    this.access = access;
  }

  Mono<Void> evict(String conversationId) {
    return Mono.fromRunnable(() -> access.ifAvailable(a -> a.evict(conversationId)));
  }
}
