package com.parley.im.user.security;

import org.springframework.security.oauth2.jwt.Jwt;

/** Who calls, as the verified access token says: user, device and device session. */
public record Caller(String userId, String deviceId, String sessionId) {

  public static Caller of(Jwt jwt) {
    return new Caller(jwt.getSubject(), jwt.getClaimAsString("did"), jwt.getClaimAsString("sid"));
  }
}
