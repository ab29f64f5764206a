package com.parley.im.gateway.routing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Opens the shared Redis connection at start-up. Lettuce's shared connection is otherwise opened by
 * the first request, and opening it blocks: on an event loop that would stall every request of that
 * loop. If Redis is down at start-up the instance still starts (rate limits then let requests
 * through, as they do whenever Redis fails).
 */
@Component
class RedisWarmUp implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(RedisWarmUp.class);

  private final ReactiveRedisConnectionFactory redis;

  RedisWarmUp(ReactiveRedisConnectionFactory redis) {
    this.redis = redis;
  }

  @Override
  public void afterSingletonsInstantiated() {
    try {
      ReactiveRedisConnection connection = redis.getReactiveConnection();
      connection.close();
    } catch (RuntimeException e) {
      log.warn("Redis is not reachable at start-up: {}", e.getMessage());
    }
  }
}
