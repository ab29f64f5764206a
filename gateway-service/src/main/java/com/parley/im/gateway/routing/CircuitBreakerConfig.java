package com.parley.im.gateway.routing;

import com.parley.im.gateway.GatewayProperties;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4jBulkheadProvider;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4jBulkheadConfigurationBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * Circuit breakers of the routes (named after the service) and of the ticket redemption call. Each
 * breaker's time limiter is the upper bound of one whole exchange: {@code im.gateway.upstream
 * .timeout}, or a per-breaker override (media transfers are long).
 *
 * <p>A breaker opens on a failing service (connections refused or reset, half of the last 20
 * calls), not on a busy one: a call that runs out of time is neither a success nor a failure for
 * the breaker, and is answered 429 with {@code Retry-After} ({@link
 * ServiceBreakerGatewayFilterFactory}), so a burst that makes a healthy service slow does not turn
 * everyone else away with 503 (issue 8).
 *
 * <p>Each breaker comes with Spring Cloud CircuitBreaker's bulkhead, which by default lets 25 calls
 * in at once and counts the 26th as a failure: 200 parallel logins opened the user breaker and
 * turned everyone away with 503. Here it admits {@code im.gateway.upstream .max-concurrent} calls;
 * a call beyond is busy, not failing: ignored by the breaker, answered 429 with {@code
 * Retry-After}.
 */
@Configuration(proxyBeanMethods = false)
class CircuitBreakerConfig {

  @Bean
  Customizer<ReactiveResilience4JCircuitBreakerFactory> circuitBreakerDefaults(
      GatewayProperties properties) {
    GatewayProperties.Upstream upstream = properties.upstream();
    return factory -> {
      factory.configureDefault(
          id -> configure(new Resilience4JConfigBuilder(id), upstream.timeout()));
      upstream
          .timeouts()
          .forEach((id, timeout) -> factory.configure(b -> configure(b, timeout), id));
    };
  }

  /**
   * The gateway's own response timeout ({@code httpclient.response-timeout}) answered first: the
   * service is slow, not down (a burst of Argon2 logins on two cores takes longer than 10 s).
   */
  static boolean busy(Throwable e) {
    return e instanceof ResponseStatusException status
        && status.getStatusCode().value() == HttpStatus.GATEWAY_TIMEOUT.value();
  }

  @Bean
  Customizer<ReactiveResilience4jBulkheadProvider> bulkheadDefaults(GatewayProperties properties) {
    int maxConcurrent = properties.upstream().maxConcurrent();
    return provider ->
        provider.configureDefault(
            id ->
                new Resilience4jBulkheadConfigurationBuilder()
                    .bulkheadConfig(
                        BulkheadConfig.custom()
                            .maxConcurrentCalls(maxConcurrent)
                            .maxWaitDuration(Duration.ZERO)
                            .build())
                    .build());
  }

  private static Resilience4JConfigBuilder.Resilience4JCircuitBreakerConfiguration configure(
      Resilience4JConfigBuilder builder, Duration timeout) {
    return builder
        .timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(timeout).build())
        .circuitBreakerConfig(
            io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .permittedNumberOfCallsInHalfOpenState(3)
                .ignoreException(CircuitBreakerConfig::busy)
                .ignoreExceptions(
                    BulkheadFullException.class,
                    TimeoutException.class,
                    org.springframework.cloud.gateway.support.TimeoutException.class)
                .build())
        .build();
  }
}
