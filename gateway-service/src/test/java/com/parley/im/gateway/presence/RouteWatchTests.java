package com.parley.im.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.session.ClientSession;
import com.parley.im.gateway.session.TestSessions;
import com.parley.im.testsupport.TestInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.test.StepVerifier;

/**
 * {@link RouteWatch} against the real Redis: welcome waits until presence's route hash has the
 * socket's field, and goes anyway (counted) when presence never routes it.
 */
class RouteWatchTests {

  private static LettuceConnectionFactory connections;
  private static ReactiveStringRedisTemplate redis;
  private static final String PREFIX = TestInfrastructure.get().redisPrefix("presence");

  @BeforeAll
  static void connect() {
    TestInfrastructure.Endpoints endpoints = TestInfrastructure.get().endpoints();
    connections =
        new LettuceConnectionFactory(
            new RedisStandaloneConfiguration(endpoints.redisHost(), endpoints.redisPort()));
    connections.afterPropertiesSet();
    redis = new ReactiveStringRedisTemplate(connections);
  }

  @AfterAll
  static void close() {
    connections.destroy();
  }

  private static RouteWatch watch(String wait, SimpleMeterRegistry meters) {
    GatewayProperties properties =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of(
                        "im.gateway.instance-id", "gw-test",
                        "im.gateway.presence.key-prefix", PREFIX,
                        "im.gateway.presence.welcome-route-wait", wait)))
            .bindOrCreate("im.gateway", Bindable.of(GatewayProperties.class));
    return new RouteWatch(redis, properties, meters);
  }

  @Test
  void completesOnlyOnceThePresenceRouteExists() {
    ClientSession session = TestSessions.writingSession(new java.util.ArrayList<>(), 16);
    String key = PREFIX + "route:" + session.userId();
    redis.delete(key).block(Duration.ofSeconds(2));
    AtomicBoolean routed = new AtomicBoolean();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    StepVerifier.create(watch("10s", meters).routed(session).doOnTerminate(() -> routed.set(true)))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(300))
        .then(
            () ->
                redis
                    .<String, String>opsForHash()
                    .put(key, session.deviceId() + "/" + session.id(), "gw-test")
                    .block(Duration.ofSeconds(2)))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(routed).isTrue();
    assertThat(meters.counter("im.gateway.welcome.unrouted").count()).isZero();
    redis.delete(key).block(Duration.ofSeconds(2));
  }

  @Test
  void givesUpAfterTheWaitAndCountsIt() {
    ClientSession session = TestSessions.writingSession(new java.util.ArrayList<>(), 16);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    StepVerifier.create(watch("400ms", meters).routed(session))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(300))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(meters.counter("im.gateway.welcome.unrouted").count()).isEqualTo(1);
  }
}
