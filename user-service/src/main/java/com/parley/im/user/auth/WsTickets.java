package com.parley.im.user.auth;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.SecureIds;
import com.parley.im.user.UserProperties;
import com.parley.im.user.auth.AuthRecords.RedeemedTicket;
import com.parley.im.user.auth.AuthRecords.WsTicketResponse;
import com.parley.im.user.security.Caller;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * WebSocket tickets for browsers: random, single use (redeemed with an atomic GETDEL), valid for
 * {@code im.user.ws-ticket-ttl} (30 s), bound to user, device and session. A ticket of a session
 * that ended meanwhile is refused at redemption.
 */
@Service
class WsTickets {

  static final String INVALID_TICKET = "invalid_ticket";

  private final ReactiveStringRedisTemplate redis;
  private final SecureIds ids;
  private final SessionActivity sessions;
  private final UserProperties properties;
  private final String prefix;

  WsTickets(
      ReactiveStringRedisTemplate redis,
      SecureIds ids,
      SessionActivity sessions,
      UserProperties properties,
      @Value("${im.redis.key-prefix:user:}") String prefix) {
    this.redis = redis;
    this.ids = ids;
    this.sessions = sessions;
    this.properties = properties;
    this.prefix = prefix + "ws-ticket:";
  }

  Mono<WsTicketResponse> issue(Caller caller) {
    String ticket = ids.token(32);
    String value = caller.userId() + " " + caller.deviceId() + " " + caller.sessionId();
    return redis
        .opsForValue()
        .set(prefix + ticket, value, properties.wsTicketTtl())
        .thenReturn(new WsTicketResponse(ticket, properties.wsTicketTtl().toSeconds()));
  }

  Mono<RedeemedTicket> redeem(String ticket) {
    return redis
        .opsForValue()
        .getAndDelete(prefix + ticket)
        .map(value -> value.split(" ", 3))
        .filter(parts -> parts.length == 3)
        .map(parts -> new RedeemedTicket(parts[0], parts[1], parts[2]))
        .filterWhen(redeemed -> sessions.isActive(redeemed.sessionId()))
        .switchIfEmpty(
            Mono.error(
                () ->
                    ApiException.notFound(
                        INVALID_TICKET, "The ticket is unknown, expired or already used.")));
  }
}
