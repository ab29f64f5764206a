package com.parley.im.user.auth;

import com.parley.im.user.UserProperties;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Slows down password guessing without locking anyone out (issue 8; {@code
 * im.user.login-throttle.*}). Failed logins are counted in Redis, in windows of {@code window}:
 *
 * <ul>
 *   <li>per username and client address together: after {@code max-failures-per-username} failures
 *       of that pair, each further failure makes the pair wait before its next attempt, 1 s, then
 *       2, 4, ... up to {@code max-delay}. The same user from another address (their phone, their
 *       office) is not slowed, and the attacker is slowed only for the accounts it attacks.
 *   <li>per client address, for usernames that do not exist: after {@code
 *       max-failures-per-address}, the same growing wait for unknown usernames from that address.
 *       Real users behind the same address (a NAT, an office) sign in unhindered.
 * </ul>
 *
 * A waiting attempt is answered 429 {@code rate_limited} with {@code Retry-After} before any
 * hashing. Successful logins are never counted. If Redis is down the check lets logins through
 * (logged): availability of sign-in wins over throttling for that time.
 */
@Component
class LoginThrottle {

  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

  /**
   * KEYS: pairs of (failure counter, wait key); ARGV: window, then per pair its limit, and the
   * longest wait. Counts each failure; from the limit on, sets the wait to 1 s * 2^(n - limit).
   */
  private static final RedisScript<Long> RECORD =
      RedisScript.of(
          """
          for i = 1, #KEYS, 2 do
            local n = redis.call('INCR', KEYS[i])
            if n == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
            local limit = tonumber(ARGV[1 + (i + 1) / 2])
            if n >= limit then
              local delay = math.min(1000 * 2 ^ math.min(n - limit, 30), tonumber(ARGV[#ARGV]))
              redis.call('SET', KEYS[i + 1], '1', 'PX', math.floor(delay))
            end
          end
          return 1
          """,
          Long.class);

  /** The longest remaining wait (ms) of the wait keys, 0 for none. */
  private static final RedisScript<Long> WAIT =
      RedisScript.of(
          """
          local longest = 0
          for _, key in ipairs(KEYS) do
            local ttl = redis.call('PTTL', key)
            if ttl > longest then longest = ttl end
          end
          return longest
          """,
          Long.class);

  private final ReactiveStringRedisTemplate redis;
  private final UserProperties.LoginThrottle limits;
  private final String prefix;

  LoginThrottle(
      ReactiveStringRedisTemplate redis,
      UserProperties properties,
      @Value("${im.redis.key-prefix:user:}") String prefix) {
    this.redis = redis;
    this.limits = properties.loginThrottle();
    this.prefix = prefix + "login-failures:";
  }

  /**
   * Errors with {@link LoginThrottledException} while this attempt must wait: the pair's wait, and
   * for an unknown username also the address's.
   */
  Mono<Void> check(String username, String address, boolean knownUsername) {
    List<String> waits =
        knownUsername
            ? List.of(pairWait(username, address))
            : List.of(pairWait(username, address), unknownWait(address));
    return redis
        .execute(WAIT, waits, List.of())
        .next()
        .flatMap(
            millis ->
                millis > 0
                    ? Mono.<Void>error(
                        new LoginThrottledException(Duration.ofSeconds((millis + 999) / 1000)))
                    : Mono.<Void>empty())
        .onErrorResume(
            DataAccessException.class,
            e -> {
              log.warn("Login throttle unavailable, letting the attempt through: {}", e.toString());
              return Mono.empty();
            });
  }

  Mono<Void> recordFailure(String username, String address, boolean knownUsername) {
    List<String> keys =
        knownUsername
            ? List.of(pairCount(username, address), pairWait(username, address))
            : List.of(
                pairCount(username, address),
                pairWait(username, address),
                unknownCount(address),
                unknownWait(address));
    List<String> args =
        knownUsername
            ? List.of(
                Long.toString(limits.window().toMillis()),
                Integer.toString(limits.maxFailuresPerUsername()),
                Long.toString(limits.maxDelay().toMillis()))
            : List.of(
                Long.toString(limits.window().toMillis()),
                Integer.toString(limits.maxFailuresPerUsername()),
                Integer.toString(limits.maxFailuresPerAddress()),
                Long.toString(limits.maxDelay().toMillis()));
    return redis
        .execute(RECORD, keys, args)
        .then()
        .onErrorResume(
            DataAccessException.class,
            e -> {
              log.warn("Could not count a failed login: {}", e.toString());
              return Mono.empty();
            });
  }

  private String pair(String username, String address) {
    return username.toLowerCase(Locale.ROOT) + "|" + address;
  }

  private String pairCount(String username, String address) {
    return prefix + "pair:" + pair(username, address);
  }

  private String pairWait(String username, String address) {
    return prefix + "pair-wait:" + pair(username, address);
  }

  private String unknownCount(String address) {
    return prefix + "unknown:" + address;
  }

  private String unknownWait(String address) {
    return prefix + "unknown-wait:" + address;
  }
}
