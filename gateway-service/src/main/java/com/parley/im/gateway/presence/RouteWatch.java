package com.parley.im.gateway.presence;

import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.session.ClientSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Waits until presence-service routes a new socket, so that {@code welcome} means "every message
 * stored from now on is pushed to this socket" (ADR 0005, "Welcome after the route").
 *
 * <p>Why: services read presence's routes when they fan a message out. A message stored after
 * {@code welcome} but before presence applied the socket's {@code opened} found no route and was
 * never pushed; the socket is open, so the client had no reason to catch up until its next message,
 * and a quiet conversation stayed wrong. With {@code welcome} after the route, a client that
 * catches up by {@code afterSeq} after {@code welcome} (PROTOCOL.md guarantee 3) has everything:
 * what was stored before through the catch-up, what is stored after through pushes.
 *
 * <p>Reads presence's key {@code {prefix}route:{userId}} (field {@code {deviceId}/{socketId}})
 * every 10 ms, reactively, read only (presence stays its only writer). Cannot promise: a route
 * within {@code im.gateway.presence.welcome-route-wait}; beyond (presence or Redis down), {@code
 * welcome} goes anyway and is counted in {@code im.gateway.welcome.unrouted}. A wait of 0 turns the
 * watch off.
 */
@Component
public class RouteWatch {

  private static final Logger log = LoggerFactory.getLogger(RouteWatch.class);
  private static final Duration POLL = Duration.ofMillis(10);

  private final ReactiveStringRedisTemplate redis;
  private final String routePrefix;
  private final Duration wait;
  private final Counter unrouted;

  RouteWatch(
      ReactiveStringRedisTemplate redis, GatewayProperties properties, MeterRegistry meters) {
    this.redis = redis;
    this.routePrefix = properties.presence().keyPrefix() + "route:";
    this.wait = properties.presence().welcomeRouteWait();
    this.unrouted =
        Counter.builder("im.gateway.welcome.unrouted")
            .description("welcome frames sent before presence routed the socket")
            .register(meters);
  }

  /** Completes once the socket is routed, or after the configured wait (never with an error). */
  public Mono<Void> routed(ClientSession session) {
    if (wait.isZero()) {
      return Mono.empty(); // configured off (the gateway's own tests run without presence)
    }
    String key = routePrefix + session.userId();
    String field = session.deviceId() + "/" + session.id();
    return redis
        .<String, String>opsForHash()
        .hasKey(key, field)
        .filter(Boolean::booleanValue)
        .repeatWhenEmpty(Integer.MAX_VALUE, ticks -> ticks.delayElements(POLL))
        .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, POLL))
        .timeout(wait)
        .onErrorResume(
            e -> {
              unrouted.increment();
              log.debug("welcome for {} without a route after {}", session.id(), wait);
              return Mono.just(false);
            })
        .then();
  }
}
