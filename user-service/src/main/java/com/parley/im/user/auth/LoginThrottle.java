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
 * Counts failed logins in Redis per username and per client address, in fixed windows ({@code
 * im.user.login-throttle.*}). Only failures count. Checked before the password is verified, so a
 * throttled attempt costs no hashing. If Redis is down the check lets logins through (logged):
 * availability of sign-in wins over throttling for that time.
 */
@Component
class LoginThrottle {

  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

  /** INCR each key and start its window on the first failure. */
  private static final RedisScript<Long> RECORD =
      RedisScript.of(
          "for _, key in ipairs(KEYS) do"
              + " if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end"
              + " end return 1",
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

  /** Errors with {@link LoginThrottledException} when either limit is reached. */
  Mono<Void> check(String username, String address) {
    String userKey = userKey(username);
    String addressKey = addressKey(address);
    return redis
        .opsForValue()
        .multiGet(List.of(userKey, addressKey))
        .flatMap(
            counts -> {
              if (count(counts.get(0)) >= limits.maxFailuresPerUsername()) {
                return retryAfter(userKey);
              }
              if (count(counts.get(1)) >= limits.maxFailuresPerAddress()) {
                return retryAfter(addressKey);
              }
              return Mono.<Void>empty();
            })
        .onErrorResume(
            DataAccessException.class,
            e -> {
              log.warn("Login throttle unavailable, letting the attempt through: {}", e.toString());
              return Mono.empty();
            });
  }

  Mono<Void> recordFailure(String username, String address) {
    return redis
        .execute(
            RECORD,
            List.of(userKey(username), addressKey(address)),
            List.of(Long.toString(limits.window().toMillis())))
        .then()
        .onErrorResume(
            DataAccessException.class,
            e -> {
              log.warn("Could not count a failed login: {}", e.toString());
              return Mono.empty();
            });
  }

  private Mono<Void> retryAfter(String key) {
    return redis
        .getExpire(key)
        .defaultIfEmpty(limits.window())
        .flatMap(
            ttl -> {
              long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
              if (ttl.isNegative() || ttl.isZero()) {
                seconds = limits.window().toSeconds();
              }
              return Mono.error(new LoginThrottledException(Duration.ofSeconds(seconds)));
            });
  }

  private String userKey(String username) {
    return prefix + "user:" + username.toLowerCase(Locale.ROOT);
  }

  private String addressKey(String address) {
    return prefix + "addr:" + address;
  }

  private static long count(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
