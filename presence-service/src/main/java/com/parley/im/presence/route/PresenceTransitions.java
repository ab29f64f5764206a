package com.parley.im.presence.route;

import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * Told of every online/offline transition that the routing table makes, in the order they happen
 * for one user (socket events are consumed one at a time; the sweeper runs its transitions one at a
 * time).
 */
public interface PresenceTransitions {

  /**
   * {@code userId} came online (first route) or went offline (last route removed) at {@code at}.
   */
  Mono<Void> changed(String userId, boolean online, Instant at);
}
