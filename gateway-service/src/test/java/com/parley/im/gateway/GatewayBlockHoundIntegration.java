package com.parley.im.gateway;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The gateway's known, bounded blocking calls in libraries, allowed in tests (loaded by BlockHound
 * through the service loader, next to the project-wide list).
 */
public class GatewayBlockHoundIntegration implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    // Netty's DNS resolver draws query ids from SecureRandom (a read of /dev/urandom, which never
    // waits) on the event loop. Seen when the test clients resolve "localhost".
    for (String method : new String[] {"newBucket", "pushId", "nextId"}) {
      builder.allowBlockingCallsInside("io.netty.resolver.dns.DnsQueryIdSpace", method);
    }
    // Resilience4j records each call's outcome in its circuit breaker's sliding window under a
    // ReentrantLock held for that update only; two event loops finishing calls through one breaker
    // at once park for microseconds. Seen in RoutingTests; an error thrown there would leave the
    // lock's queue in an unknown state (as with Lettuce's lock, allowed project-wide).
    builder.allowBlockingCallsInside(
        "io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "record");
    builder.allowBlockingCallsInside(
        "io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "record");
    // The tests' own WebSocket client hands frames to the test thread through a blocking queue
    // (TestSocket#collect): a contended lock there parks the client's event loop briefly.
    builder.allowBlockingCallsInside("com.parley.im.gateway.TestSocket", "collect");
  }
}
