package com.parley.sdk;

/**
 * The client's own send pace (ADR 0014, as the TypeScript SDK keeps it): a token bucket of {@value
 * #RATE} sends a second with bursts of {@value #BURST}, below the server's default per-user limit
 * (30 a second, bursts of 100), so that a client alone is never refused {@code rate_limited}, which
 * could let a later send of its window be stored before the refused one. Every send that leaves
 * takes a token, resends included (the server counts them too). Touched on the client's loop only.
 */
final class SendPace {

  static final double RATE = 25;
  static final int BURST = 90;

  private double tokens = BURST;
  private long refilledAtNanos;

  SendPace(long nowNanos) {
    this.refilledAtNanos = nowNanos;
  }

  /** Takes a token for one send leaving now; false when the send must wait. */
  boolean take(long nowNanos) {
    tokens = Math.min(BURST, tokens + (nowNanos - refilledAtNanos) * RATE / 1_000_000_000.0);
    refilledAtNanos = nowNanos;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
