package com.parley.im.gateway.websocket;

import org.springframework.test.web.reactive.server.WebTestClient;

/** Handshake requests that the gateway refuses, sent as plain HTTP to read the problem detail. */
final class Handshakes {

  private Handshakes() {}

  static WebTestClient.RequestHeadersSpec<?> upgrade(WebTestClient http, String uri) {
    return http.get()
        .uri(uri)
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  }
}
