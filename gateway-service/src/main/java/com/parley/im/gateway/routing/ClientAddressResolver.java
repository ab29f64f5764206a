package com.parley.im.gateway.routing;

import com.parley.im.gateway.GatewayProperties;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.springframework.cloud.gateway.support.ipresolver.RemoteAddressResolver;
import org.springframework.cloud.gateway.support.ipresolver.XForwardedRemoteAddressResolver;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The client's address: the TCP peer, or, behind {@code im.gateway.trusted-proxy-hops} reverse
 * proxies, the address those proxies recorded in {@code X-Forwarded-For} (never an entry the client
 * could have written itself).
 */
@Component
class ClientAddressResolver {

  private final RemoteAddressResolver resolver;

  ClientAddressResolver(GatewayProperties properties) {
    this.resolver =
        properties.trustedProxyHops() > 0
            ? XForwardedRemoteAddressResolver.maxTrustedIndex(properties.trustedProxyHops())
            : new RemoteAddressResolver() {};
  }

  /** The client's IP address as text, or {@code "unknown"}. */
  String resolve(ServerWebExchange exchange) {
    InetSocketAddress address = resolver.resolve(exchange);
    if (address == null) {
      return "unknown";
    }
    InetAddress ip = address.getAddress();
    return ip != null ? ip.getHostAddress() : address.getHostString();
  }
}
