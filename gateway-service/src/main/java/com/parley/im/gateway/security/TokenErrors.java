package com.parley.im.gateway.security;

import com.parley.im.protocol.ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/** Turns a token refusal into the stable {@code code} a client sees. */
final class TokenErrors {

  /** The {@link OAuth2Error} code of an expired token (mapped to {@code token_expired}). */
  static final String EXPIRED = ErrorCodes.TOKEN_EXPIRED;

  /** The {@link OAuth2Error} code of a token whose device session was revoked. */
  static final String SESSION_REVOKED = "session_revoked";

  private TokenErrors() {}

  /** {@code token_expired} when the only thing wrong was the expiry, else {@code unauthorized}. */
  static String codeFor(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof JwtValidationException invalid) {
        boolean expired =
            invalid.getErrors().stream().anyMatch(e -> EXPIRED.equals(e.getErrorCode()));
        return expired ? ErrorCodes.TOKEN_EXPIRED : ErrorCodes.UNAUTHORIZED;
      }
    }
    return ErrorCodes.UNAUTHORIZED;
  }

  static String detailFor(String code) {
    return ErrorCodes.TOKEN_EXPIRED.equals(code)
        ? "The access token has expired; refresh it."
        : "A valid access token is required.";
  }
}
