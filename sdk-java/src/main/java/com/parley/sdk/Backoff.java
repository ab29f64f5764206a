package com.parley.sdk;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays with full jitter: a random delay in [0, min(30 s, 0.5 s x 2^attempt)], at least
 * 50 ms, so that a thousand clients dropped at once do not come back at once.
 */
final class Backoff {

  private static final long BASE_MS = 500;
  private static final long CAP_MS = 30_000;
  private static final long FLOOR_MS = 50;

  private final RandomGenerator random;
  private int attempt;

  Backoff(RandomGenerator random) {
    this.random = random;
  }

  Duration next() {
    long ceiling = Math.min(CAP_MS, BASE_MS << Math.min(attempt, 16));
    attempt++;
    return Duration.ofMillis(Math.max(FLOOR_MS, random.nextLong(ceiling + 1)));
  }

  void reset() {
    attempt = 0;
  }
}
