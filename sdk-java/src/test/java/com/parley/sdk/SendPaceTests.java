package com.parley.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The client's send pace: a burst, then a steady rate, always below the server's default limit. */
class SendPaceTests {

  private static final long MILLISECOND = 1_000_000L;

  @Test
  void aBurstOfNinetyThenTwentyFiveASecond() {
    SendPace pace = new SendPace(0);
    int sent = 0;
    while (pace.take(0)) {
      sent++;
    }
    assertThat(sent).isEqualTo(SendPace.BURST);

    // Over the next ten seconds, asked every millisecond: 25 a second.
    int later = 0;
    for (long t = 1; t <= 10_000; t++) {
      if (pace.take(t * MILLISECOND)) {
        later++;
      }
    }
    assertThat(later).isBetween(249, 251);
  }

  @Test
  void staysBelowTheServersDefaultLimitOverAnyTime() {
    // The server's default: 30 a second with bursts of 100. Whatever the client asks, the pace lets
    // at most 90 + 25 s sends leave in s seconds, fewer than the server's 100 + 30 s.
    SendPace pace = new SendPace(0);
    int sent = 0;
    for (long t = 0; t <= 20_000; t++) {
      while (pace.take(t * MILLISECOND)) {
        sent++;
      }
      assertThat((double) sent).isLessThan(100 + 30 * (t / 1000.0));
    }
  }
}
