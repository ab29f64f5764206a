package com.parley.im.defaults.security;

import com.parley.im.defaults.Problems;
import com.parley.im.protocol.ErrorCodes;
import java.time.Duration;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
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

  /**
   * The one answer to a refused token, for every service and the gateway (issue 8: the gateway had
   * its own words for the same refusals): 503 {@code service_unavailable} when the token could not
   * be checked at all (the key set is unreachable: not the client's fault, never a 500); else 401
   * {@code token_expired} when the only thing wrong was the expiry (refresh and repeat), and 401
   * {@code unauthorized} for a missing, malformed, forged or revoked token, with {@code
   * WWW-Authenticate: Bearer} (RFC 6750: {@code error="invalid_token"} when a token was sent).
   */
  public static Mono<Void> refuse(
      ServerWebExchange exchange, JsonMapper json, AuthenticationException e) {
    if (e instanceof AuthenticationServiceException) {
      return Problems.write(
          exchange,
          json,
          HttpStatus.SERVICE_UNAVAILABLE,
          ErrorCodes.SERVICE_UNAVAILABLE,
          "The access token cannot be checked right now.");
    }
    boolean expired = isExpired(e);
    if (!exchange.getResponse().isCommitted()) {
      exchange
          .getResponse()
          .getHeaders()
          .set(
              HttpHeaders.WWW_AUTHENTICATE,
              e instanceof OAuth2AuthenticationException
                  ? "Bearer error=\"invalid_token\""
                  : "Bearer");
    }
    return Problems.write(
        exchange,
        json,
        HttpStatus.UNAUTHORIZED,
        expired ? ErrorCodes.TOKEN_EXPIRED : ErrorCodes.UNAUTHORIZED,
        expired
            ? "The access token has expired; refresh it."
            : "A valid bearer access token is required.");
  }

  /** {@link #refuse} as an entry point. */
  public static ServerAuthenticationEntryPoint entryPoint(JsonMapper json) {
    return (exchange, e) -> refuse(exchange, json, e);
  }

  /** 403 {@code forbidden}. */
  public static ServerAccessDeniedHandler accessDenied(JsonMapper json) {
    return (exchange, e) ->
        write(exchange, json, HttpStatus.FORBIDDEN, ErrorCodes.FORBIDDEN, "Forbidden.");
  }

  /** {@link #refuse} as a failure handler of bearer authentication. */
  public static ServerAuthenticationFailureHandler failureHandler(JsonMapper json) {
    return (webFilterExchange, e) -> refuse(webFilterExchange.getExchange(), json, e);
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
