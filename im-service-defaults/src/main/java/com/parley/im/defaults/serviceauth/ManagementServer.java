package com.parley.im.defaults.serviceauth;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells requests to the management server (actuator on {@code management.server.port}) from those
 * to the service port: web filters of the main context run on both (ADR 0007).
 */
public final class ManagementServer {

  private ManagementServer() {}

  /** Whether the request arrived at the management server. */
  public static boolean handles(ServerWebExchange exchange) {
    return exchange.getApplicationContext() != null
        && WebServerApplicationContext.hasServerNamespace(
            exchange.getApplicationContext(), "management");
  }
}
