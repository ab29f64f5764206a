package com.parley.im.gateway.session;

import com.parley.im.events.DeviceSessionRevoked;
import com.parley.im.gateway.security.RevokedSessions;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.protocol.Frames;
import com.parley.im.protocol.SocketCodes;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * Ends revoked device sessions on this instance. Every gateway instance consumes {@code
 * device-session-revoked} through its own anonymous queue (no consumer group), because any instance
 * may hold that device's sockets and every instance must refuse the session's tokens.
 *
 * <p>Idempotent (closing a closed socket and revoking a revoked id change nothing), so a
 * redelivered event is harmless.
 */
@Configuration(proxyBeanMethods = false)
class SessionRevocationConfig {

  private static final Logger log = LoggerFactory.getLogger(SessionRevocationConfig.class);

  @Bean
  Consumer<DeviceSessionRevoked> closeRevokedSessions(
      RevokedSessions revoked, SessionRegistry registry, FrameEncoder frames) {
    return event -> {
      revoked.revoke(event.sessionId());
      String closing =
          frames.encode(
              new Frames.Error(null, ErrorCodes.CLOSING, "This device session has ended."));
      CloseStatus status = new CloseStatus(SocketCodes.CLOSE_SESSION_REVOKED, "session revoked");
      int closed = 0;
      for (ClientSession session : registry.sessionsOf(event.userId(), event.deviceId())) {
        if (event.sessionId() == null || event.sessionId().equals(session.sessionId())) {
          session.close(status, closing);
          closed++;
        }
      }
      log.debug(
          "Session {} of user {} device {} revoked ({}): {} sockets closed",
          event.sessionId(),
          event.userId(),
          event.deviceId(),
          event.reason(),
          closed);
    };
  }
}
