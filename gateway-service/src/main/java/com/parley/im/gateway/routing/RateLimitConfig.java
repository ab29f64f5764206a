package com.parley.im.gateway.routing;

import com.parley.im.gateway.GatewayProperties;
import java.util.List;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.script.RedisScript;

/** The Redis token bucket of {@link UserRateLimitGatewayFilterFactory}, sized by properties. */
@Configuration(proxyBeanMethods = false)
class RateLimitConfig {

  /** The bucket's size, as configured under {@code im.gateway.rate-limit}. */
  record Settings(int replenishRate, long burstCapacity) {}

  @Bean
  Settings rateLimitSettings(GatewayProperties properties) {
    return new Settings(
        properties.rateLimit().replenishRate(), properties.rateLimit().burstCapacity());
  }

  /**
   * Holds the gateway's token-bucket Lua script as text, read once at start-up. The gateway's own
   * bean reads it from the jar on use, which is blocking file I/O on the event loop.
   */
  @Bean
  static BeanPostProcessor rateLimiterScriptInMemory() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (RedisRateLimiter.REDIS_SCRIPT_NAME.equals(beanName)
            && bean instanceof RedisScript<?> script) {
          return RedisScript.of(script.getScriptAsString(), List.class);
        }
        return bean;
      }
    };
  }

  /** Replaces the gateway's own {@code redisRateLimiter}, which needs per-route configuration. */
  @Bean
  RedisRateLimiter redisRateLimiter(Settings settings) {
    RedisRateLimiter limiter =
        new RedisRateLimiter(settings.replenishRate(), settings.burstCapacity());
    limiter.setIncludeHeaders(false);
    return limiter;
  }
}
