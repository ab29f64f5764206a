package com.parley.im.user;

import jakarta.validation.Validator;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Does at start-up, on the main thread, the one-time blocking work that libraries would otherwise
 * do on an event loop with the first request: Hibernate Validator reads its message bundles from
 * the jar on the first violation, and Lettuce opens its shared connection synchronously on first
 * use.
 */
@Component
class StartupWarmUp implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(StartupWarmUp.class);

  private final Validator validator;
  private final ReactiveStringRedisTemplate redis;

  StartupWarmUp(Validator validator, ReactiveStringRedisTemplate redis) {
    this.validator = validator;
    this.redis = redis;
  }

  /** One violation of each constraint kind that the request records use. */
  record Probe(
      @NotNull String missing,
      @NotBlank String blank,
      @Size(min = 2, max = 3) String size,
      @Pattern(regexp = "a") String pattern,
      @Min(2) int min) {}

  @Override
  public void afterSingletonsInstantiated() {
    validator.validate(new Probe(null, " ", "x", "b", 1));
    try {
      redis.hasKey("warm-up").block(Duration.ofSeconds(10));
    } catch (DataAccessException | IllegalStateException e) {
      log.warn("Redis did not answer at start-up; it will be connected on first use", e);
    }
  }
}
