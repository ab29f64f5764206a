package com.parley.im.user.auth;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.SecureIds;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.Destinations;
import com.parley.im.events.DeviceSessionRevoked;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.user.UserProperties;
import com.parley.im.user.account.AccountCredentials;
import com.parley.im.user.auth.AuthRecords.LoginRequest;
import com.parley.im.user.auth.AuthRecords.TokenResponse;
import com.parley.im.user.security.AccessTokens;
import com.parley.im.user.security.Caller;
import com.parley.im.user.security.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Device sessions: login (one session per device; a new login replaces the old one), refresh-token
 * rotation with reuse detection, logout. Every revocation publishes {@link DeviceSessionRevoked}
 * through the outbox in the same transaction.
 */
@Service
class AuthService {

  static final String REASON_LOGOUT = "logout";
  static final String REASON_REUSE = "refresh_token_reuse";
  static final String REASON_REPLACED = "replaced";

  private static final int REFRESH_TOKEN_BYTES = 32;

  private final AccountCredentials accounts;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final DeviceSessionRepository sessions;
  private final AccessTokens accessTokens;
  private final Outbox outbox;
  private final SecureIds ids;
  private final UserProperties properties;
  private final TransactionalOperator tx;

  AuthService(
      AccountCredentials accounts,
      PasswordHasher hasher,
      LoginThrottle throttle,
      DeviceSessionRepository sessions,
      AccessTokens accessTokens,
      Outbox outbox,
      SecureIds ids,
      UserProperties properties,
      ReactiveTransactionManager transactions) {
    this.accounts = accounts;
    this.hasher = hasher;
    this.throttle = throttle;
    this.sessions = sessions;
    this.accessTokens = accessTokens;
    this.outbox = outbox;
    this.ids = ids;
    this.properties = properties;
    this.tx = TransactionalOperator.create(transactions);
  }

  /**
   * The account, the throttle's check (which depends on whether the username exists), then the
   * password (hashed even for unknown usernames), then a new session for the device, revoking the
   * one it had.
   */
  Mono<TokenResponse> login(LoginRequest request, String clientAddress) {
    return accounts
        .findByUsername(request.username())
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            account ->
                throttle
                    .check(request.username(), clientAddress, account.isPresent())
                    .then(
                        hasher.matches(
                            request.password(),
                            account.map(AccountCredentials.Credentials::passwordHash).orElse(null)))
                    .flatMap(
                        ok ->
                            ok && account.isPresent()
                                ? startSession(
                                    UUID.fromString(account.get().userId()), request.deviceId())
                                : throttle
                                    .recordFailure(
                                        request.username(), clientAddress, account.isPresent())
                                    .then(Mono.error(AuthService::invalidCredentials))));
  }

  private Mono<TokenResponse> startSession(UUID userId, String deviceId) {
    UUID sessionId = ids.uuid();
    String refreshToken = ids.token(REFRESH_TOKEN_BYTES);
    Mono<Void> replace =
        sessions
            .revokeActive(userId, deviceId, REASON_REPLACED)
            .concatMap(revoked -> publishRevoked(revoked, REASON_REPLACED))
            .then(sessions.insertSession(sessionId, userId, deviceId))
            .then(
                sessions.insertRefreshToken(
                    sha256(refreshToken),
                    sessionId,
                    Instant.now().plus(properties.refreshTokenTtl())));
    return tx.transactional(replace)
        // Two logins of one device at the same instant: the loser meets the unique index; once
        // more, it revokes the winner's session instead.
        .retryWhen(
            Retry.max(1)
                .filter(DuplicateKeyException.class::isInstance)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
        .onErrorMap(
            DuplicateKeyException.class,
            e ->
                new ApiException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    ErrorCodes.SERVICE_UNAVAILABLE,
                    "Another sign-in of this device is in progress; try again."))
        .then(
            Mono.fromSupplier(() -> tokens(userId.toString(), deviceId, sessionId, refreshToken)));
  }

  /** The outcome of one refresh transaction. */
  private record Rotation(UUID userId, String deviceId, UUID sessionId, String refreshToken) {}

  Mono<TokenResponse> refresh(String refreshToken) {
    String hash = sha256(refreshToken);
    Mono<Optional<Rotation>> rotate =
        sessions
            .lockRefreshToken(hash)
            .flatMap(
                state -> {
                  if (state.sessionRevoked() || state.expired()) {
                    return Mono.just(Optional.<Rotation>empty());
                  }
                  if (state.used()) {
                    // A spent token came back: someone else may hold the chain. End the session.
                    return sessions
                        .revoke(state.sessionId(), REASON_REUSE)
                        .flatMap(revoked -> publishRevoked(revoked, REASON_REUSE))
                        .thenReturn(Optional.<Rotation>empty());
                  }
                  String next = ids.token(REFRESH_TOKEN_BYTES);
                  return sessions
                      .markUsed(hash)
                      .then(
                          sessions.insertRefreshToken(
                              sha256(next),
                              state.sessionId(),
                              Instant.now().plus(properties.refreshTokenTtl())))
                      .thenReturn(
                          Optional.of(
                              new Rotation(
                                  state.userId(), state.deviceId(), state.sessionId(), next)));
                })
            .defaultIfEmpty(Optional.empty());
    // The transaction commits first (a reuse must stay revoked); only then does the caller get 401.
    return tx.transactional(rotate)
        .flatMap(
            rotation ->
                rotation
                    .map(
                        r ->
                            Mono.just(
                                tokens(
                                    r.userId().toString(),
                                    r.deviceId(),
                                    r.sessionId(),
                                    r.refreshToken())))
                    .orElseGet(
                        () ->
                            Mono.error(
                                ApiException.unauthorized(
                                    ErrorCodes.INVALID_REFRESH_TOKEN,
                                    "The refresh token is not valid."))));
  }

  /** Ends the caller's session; its refresh token stops working. */
  Mono<Void> logout(Caller caller) {
    UUID sessionId;
    try {
      sessionId = UUID.fromString(caller.sessionId());
    } catch (IllegalArgumentException e) {
      return Mono.empty();
    }
    return tx.transactional(
        sessions
            .revoke(sessionId, REASON_LOGOUT)
            .flatMap(revoked -> publishRevoked(revoked, REASON_LOGOUT)));
  }

  private Mono<Void> publishRevoked(DeviceSessionRepository.Revoked revoked, String reason) {
    return outbox.append(
        Destinations.DEVICE_SESSION_REVOKED,
        new DeviceSessionRevoked(
            ids.uuid().toString(),
            Instant.now(),
            revoked.userId().toString(),
            revoked.deviceId(),
            revoked.sessionId().toString(),
            reason));
  }

  private TokenResponse tokens(
      String userId, String deviceId, UUID sessionId, String refreshToken) {
    AccessTokens.Issued access = accessTokens.issue(userId, deviceId, sessionId.toString());
    return new TokenResponse(access.token(), refreshToken, access.expiresIn(), userId, deviceId);
  }

  private static ApiException invalidCredentials() {
    return ApiException.unauthorized(
        ErrorCodes.INVALID_CREDENTIALS, "The username or password is not correct.");
  }

  static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
