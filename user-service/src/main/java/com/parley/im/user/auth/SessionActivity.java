package com.parley.im.user.auth;

import com.parley.im.user.security.ActiveSessions;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Answers the resource server's question "is this {@code sid} still active?" from the session table
 * (one primary-key lookup per authenticated request; no cache, so a revocation takes effect at
 * once).
 */
@Component
class SessionActivity implements ActiveSessions {

  private final DeviceSessionRepository sessions;

  SessionActivity(DeviceSessionRepository sessions) {
    this.sessions = sessions;
  }

  @Override
  public Mono<Boolean> isActive(String sessionId) {
    UUID id;
    try {
      id = UUID.fromString(sessionId);
    } catch (IllegalArgumentException | NullPointerException e) {
      return Mono.just(false);
    }
    return sessions.isActive(id);
  }
}
