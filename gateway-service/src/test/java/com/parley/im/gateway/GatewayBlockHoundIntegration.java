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
    // Netty's DNS resolver seeds its query-id space from SecureRandom (a read of /dev/urandom,
    // which never waits) once per resolver and name server, on the event loop.
    builder.allowBlockingCallsInside("io.netty.resolver.dns.DnsQueryIdSpace", "newBucket");
  }
}
