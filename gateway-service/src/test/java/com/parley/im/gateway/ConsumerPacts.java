package com.parley.im.gateway;

import com.parley.im.defaults.serviceauth.ServiceTokens;
import com.parley.im.testsupport.TestServiceTokens;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4jBulkheadProvider;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;

/**
 * What the gateway's consumer pact tests (ADR 0027) build the real clients from, without a Spring
 * context: the properties bound as the application binds them, circuit breakers, a credential.
 */
public final class ConsumerPacts {

  private ConsumerPacts() {}

  /** {@code im.gateway} bound from this one property (everything else its default). */
  public static GatewayProperties properties(String name, String value) {
    return new Binder(new MapConfigurationPropertySource(Map.of(name, value)))
        .bindOrCreate("im.gateway", GatewayProperties.class);
  }

  public static ReactiveResilience4JCircuitBreakerFactory breakers() {
    return new ReactiveResilience4JCircuitBreakerFactory(
        CircuitBreakerRegistry.ofDefaults(),
        // The mock server's first answer may take longer than the default 1 s.
        TimeLimiterRegistry.of(
            TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(10)).build()),
        new ReactiveResilience4jBulkheadProvider(BulkheadRegistry.ofDefaults()),
        new Resilience4JConfigurationProperties());
  }

  /** The gateway's service credential (ADR 0007), as production signs it. */
  public static ServiceTokens serviceTokens() {
    return ServiceTokens.of(TestServiceTokens.key(), "gateway-service", Duration.ofMinutes(5));
  }
}
