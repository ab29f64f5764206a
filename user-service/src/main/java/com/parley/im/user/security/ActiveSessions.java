package com.parley.im.user.security;

import reactor.core.publisher.Mono;

/**
 * Whether a device session is still active. Implemented by the auth feature (which owns sessions),
 * so that security does not depend on it.
 */
@FunctionalInterface
public interface ActiveSessions {

  /** Emits true when the session exists and has not been revoked. */
  Mono<Boolean> isActive(String sessionId);
}
