package com.parley.im.defaults.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The switch {@code im.outbox.relay-enabled=false}: the relay publishes nothing. Publishing itself
 * (batches, listeners, failures) runs against PostgreSQL and RabbitMQ in relation-service's and
 * message-service's outbox tests.
 */
class OutboxRelayTests {

  @Test
  void aDisabledRelayNeverPublishes() {
    AtomicInteger published = new AtomicInteger();
    OutboxProperties disabled =
        new OutboxProperties(
            Duration.ofMillis(10),
            100,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofDays(1),
            false,
            Duration.ofSeconds(1),
            Duration.ZERO);
    // No database and no outbox: a disabled relay must touch neither.
    OutboxRelay relay =
        new OutboxRelay(null, null, null, message -> published.incrementAndGet(), disabled);

    relay.start();
    try {
      assertThat(relay.drain().block(Duration.ofSeconds(1))).isZero();
      assertThat(relay.isRunning()).isTrue();
    } finally {
      relay.stop();
    }
    assertThat(published).hasValue(0);
  }
}
