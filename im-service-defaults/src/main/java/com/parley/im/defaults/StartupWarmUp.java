package com.parley.im.defaults;

import jakarta.validation.Validator;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Does at start-up, on the main thread, the one-time blocking work that libraries would otherwise
 * do on an event loop with the first request: Hibernate Validator reads its message bundles from
 * the jar on the first violation, and Lettuce opens its shared connection synchronously on first
 * use. Without it the first such request blocks an event loop (and fails under BlockHound).
 */
class StartupWarmUp implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(StartupWarmUp.class);

  private final ObjectProvider<Validator> validator;
  private final ObjectProvider<ReactiveRedisConnectionFactory> redis;

  StartupWarmUp(
      ObjectProvider<Validator> validator, ObjectProvider<ReactiveRedisConnectionFactory> redis) {
    this.validator = validator;
    this.redis = redis;
  }

  /** One violation of each common constraint kind. */
  record Probe(
      @NotNull String missing,
      @NotBlank String blank,
      @Size(min = 2, max = 3) String size,
      @Pattern(regexp = "a") String pattern,
      @Min(2) int min) {}

  @Override
  public void afterSingletonsInstantiated() {
    validator.ifAvailable(v -> v.validate(new Probe(null, " ", "x", "b", 1)));
    redis.ifAvailable(this::connect);
  }

  private void connect(ReactiveRedisConnectionFactory factory) {
    try (ReactiveRedisConnection connection = factory.getReactiveConnection()) {
      connection.ping().block(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      log.warn("Redis did not answer at start-up; it will be connected on first use", e);
    }
  }
}
