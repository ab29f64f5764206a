package com.parley.im.defaults.security;

import com.parley.im.defaults.Problems;
import com.parley.im.protocol.ErrorCodes;
import java.time.Duration;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The problem-detail answers of bearer authentication, shared by every service that verifies access
 * tokens: 401 {@code token_expired} for an expired token, 401 {@code unauthorized} for any other
 * missing or bad token, 403 {@code forbidden}, and 503 {@code service_unavailable} when the token
 * could not be checked at all (the key set could not be fetched).
 */
public final class SecurityProblems {

  private SecurityProblems() {}

  /** 401 with {@code token_expired} when {@link #notExpired} failed, {@code unauthorized} else. */
  public static ServerAuthenticationEntryPoint entryPoint(JsonMapper json) {
    return (exchange, e) -> {
      boolean expired = isExpired(e);
      return write(
          exchange,
          json,
          HttpStatus.UNAUTHORIZED,
          expired ? ErrorCodes.TOKEN_EXPIRED : ErrorCodes.UNAUTHORIZED,
          expired ? "The access token has expired." : "A valid bearer access token is required.");
    };
  }

  /** 403 {@code forbidden}. */
  public static ServerAccessDeniedHandler accessDenied(JsonMapper json) {
    return (exchange, e) ->
        write(exchange, json, HttpStatus.FORBIDDEN, ErrorCodes.FORBIDDEN, "Forbidden.");
  }

  /**
   * Failed bearer authentication: the entry point's 401, except when the token could not be
   * verified for a reason that is not the token's fault (for example the JWK set is unreachable):
   * 503 {@code service_unavailable}, never a 500.
   */
  public static ServerAuthenticationFailureHandler failureHandler(JsonMapper json) {
    ServerAuthenticationEntryPoint entryPoint = entryPoint(json);
    return (webFilterExchange, e) ->
        e instanceof AuthenticationServiceException
            ? write(
                webFilterExchange.getExchange(),
                json,
                HttpStatus.SERVICE_UNAVAILABLE,
                ErrorCodes.SERVICE_UNAVAILABLE,
                "The access token cannot be checked right now.")
            : entryPoint.commence(webFilterExchange.getExchange(), e);
  }

  /**
   * {@code exp} must lie in the future (give or take {@code clockSkew}); a failure carries the
   * error code {@code token_expired}, which {@link #entryPoint} answers as such.
   */
  public static OAuth2TokenValidator<Jwt> notExpired(Duration clockSkew) {
    return jwt -> {
      Instant expiresAt = jwt.getExpiresAt();
      if (expiresAt == null || !Instant.now().minus(clockSkew).isBefore(expiresAt)) {
        return OAuth2TokenValidatorResult.failure(
            new OAuth2Error(ErrorCodes.TOKEN_EXPIRED, "The access token has expired.", null));
      }
      return OAuth2TokenValidatorResult.success();
    };
  }

  static boolean isExpired(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JwtValidationException invalid
          && invalid.getErrors().stream()
              .anyMatch(err -> ErrorCodes.TOKEN_EXPIRED.equals(err.getErrorCode()))) {
        return true;
      }
    }
    return false;
  }

  /** Writes an RFC 9457 problem detail with a {@code code} member. */
  public static Mono<Void> write(
      ServerWebExchange exchange, JsonMapper json, HttpStatus status, String code, String detail) {
    if (status == HttpStatus.UNAUTHORIZED && !exchange.getResponse().isCommitted()) {
      exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    return Problems.write(exchange, json, status, code, detail);
  }
}
