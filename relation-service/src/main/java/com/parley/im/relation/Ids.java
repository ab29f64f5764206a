package com.parley.im.relation;

import com.parley.im.defaults.ApiException;
import com.parley.im.protocol.ErrorCodes;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.oauth2.jwt.Jwt;

/** Ids on the wire are opaque strings; inside they are UUIDs (user-service makes user ids so). */
public final class Ids {

  private Ids() {}

  /** The id, or empty when the string cannot be an id of ours (then nothing has that id). */
  public static Optional<UUID> parse(String id) {
    if (id == null || id.length() != 36) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The calling user ({@code sub} of the verified access token). */
  public static UUID caller(Jwt token) {
    return parse(token.getSubject())
        .orElseThrow(
            () ->
                ApiException.unauthorized(
                    ErrorCodes.UNAUTHORIZED, "The access token does not name a user."));
  }
}
