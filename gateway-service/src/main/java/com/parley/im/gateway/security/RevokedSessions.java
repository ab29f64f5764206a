package com.parley.im.gateway.security;

import com.parley.im.gateway.GatewayProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Device session ids that user-service revoked, remembered in memory until every access token of
 * that session has expired. Tokens carrying such a {@code sid} are refused on REST and on the
 * WebSocket handshake.
 *
 * <p>What it cannot promise: an instance that starts after the revocation event was published does
 * not know about it, so a token of that session keeps working there until it expires (at most the
 * access-token lifetime). Revocation is eventually consistent by the broker's delivery time.
 */
@Component
public class RevokedSessions {

  private final Map<String, Long> expiresAtMillis = new ConcurrentHashMap<>();
  private final Duration remembered;
  private final Clock clock;

  @Autowired
  public RevokedSessions(GatewayProperties properties) {
    this(properties, Clock.systemUTC());
  }

  RevokedSessions(GatewayProperties properties, Clock clock) {
    this.remembered = properties.tokens().accessTokenTtl().plus(properties.tokens().clockSkew());
    this.clock = clock;
  }

  public void revoke(String sessionId) {
    if (sessionId != null) {
      expiresAtMillis.put(sessionId, clock.millis() + remembered.toMillis());
    }
  }

  public boolean isRevoked(String sessionId) {
    if (sessionId == null) {
      return false;
    }
    Long until = expiresAtMillis.get(sessionId);
    return until != null && until > clock.millis();
  }

  /** Forgets session ids whose tokens have all expired by now. */
  @Scheduled(fixedDelayString = "${im.gateway.revoked-sessions-prune-interval:60s}")
  void prune() {
    long now = clock.millis();
    expiresAtMillis.values().removeIf(until -> until <= now);
  }

  int size() {
    return expiresAtMillis.size();
  }
}
