package com.parley.im.media.upload;

import com.parley.im.media.MediaProperties;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Uploads one user may start per minute ({@code im.media.limits.uploads-per-minute}), a counter per
 * user and clock minute in Redis shared by every replica. Over it: 429 {@code rate_limited}. When
 * Redis cannot answer, uploads are let through (logged): the limiter's outage must not stop media.
 */
@Component
class UploadRateLimiter {

  private static final Logger log = LoggerFactory.getLogger(UploadRateLimiter.class);

  private final ReactiveStringRedisTemplate redis;
  private final String prefix;
  private final int perMinute;
  private final Clock clock = Clock.systemUTC();

  UploadRateLimiter(
      ReactiveStringRedisTemplate redis,
      MediaProperties properties,
      @Value("${im.redis.key-prefix:media:}") String prefix) {
    this.redis = redis;
    this.prefix = prefix + "uploads:";
    this.perMinute = properties.limits().uploadsPerMinute();
  }

  /** Counts one upload of {@code userId}; errors with 429 when over the limit. */
  Mono<Void> take(String userId) {
    String key = prefix + userId + ":" + clock.millis() / 60_000;
    return redis
        .opsForValue()
        .increment(key)
        .flatMap(
            n -> n == 1 ? redis.expire(key, Duration.ofMinutes(2)).thenReturn(n) : Mono.just(n))
        .timeout(Duration.ofSeconds(2))
        .onErrorResume(
            e -> !(e instanceof com.parley.im.defaults.ApiException),
            e -> {
              log.warn("Upload rate limit not checked (Redis): {}", e.toString());
              return Mono.just(0L);
            })
        .flatMap(n -> n > perMinute ? Mono.error(UploadErrors.rateLimited()) : Mono.empty());
  }
}
