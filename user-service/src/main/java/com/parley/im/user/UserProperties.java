package com.parley.im.user;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of user-service ({@code im.user.*}). The defaults are the production values.
 *
 * @param accessTokenTtl lifetime of an access token (JWT)
 * @param refreshTokenTtl lifetime of a refresh token that is never used
 * @param signingKeyFile PKCS#8 PEM file with the EC P-256 private key; unset: an ephemeral key
 * @param wsTicketTtl lifetime of a WebSocket ticket
 * @param passwordHashing Argon2id parameters and the bounds of the hashing scheduler
 * @param loginThrottle limits on failed logins
 */
@Validated
@ConfigurationProperties("im.user")
public record UserProperties(
    @NotNull @DefaultValue("15m") Duration accessTokenTtl,
    @NotNull @DefaultValue("30d") Duration refreshTokenTtl,
    String signingKeyFile,
    @NotNull @DefaultValue("30s") Duration wsTicketTtl,
    @Valid @NotNull @DefaultValue PasswordHashing passwordHashing,
    @Valid @NotNull @DefaultValue LoginThrottle loginThrottle) {

  /**
   * Argon2id cost (OWASP: at least 19 MiB and 2 passes) and how many hashes may run at once. The
   * concurrency bound also bounds the memory that hashing takes ({@code memoryKib *
   * maxConcurrent}).
   */
  public record PasswordHashing(
      @Min(8) @DefaultValue("19456") int memoryKib,
      @Min(1) @DefaultValue("2") int iterations,
      @Min(1) @DefaultValue("1") int parallelism,
      @Min(1) @DefaultValue("2") int maxConcurrent,
      @Min(1) @DefaultValue("256") int maxQueued) {}

  /**
   * Failed logins counted within one window before attempts are slowed down (never locked out): per
   * username and client address together, and per address for usernames that do not exist; beyond
   * the limit each failure doubles the wait before the next attempt, up to {@code maxDelay}.
   */
  public record LoginThrottle(
      @Min(1) @DefaultValue("5") int maxFailuresPerUsername,
      @Min(1) @DefaultValue("50") int maxFailuresPerAddress,
      @NotNull @DefaultValue("15m") Duration window,
      @NotNull @DefaultValue("60s") Duration maxDelay) {}
}
