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
  }
}
