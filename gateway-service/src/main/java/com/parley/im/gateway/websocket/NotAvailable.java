package com.parley.im.gateway.websocket;

import com.parley.im.protocol.SocketCodes;
import reactor.core.publisher.Mono;

/** The answer of frame handlers whose service is not built yet. */
final class NotAvailable {

  private NotAvailable() {}

  static Mono<Void> yet(String type) {
    return Mono.error(
        new FrameRejected(
            SocketCodes.NOT_AVAILABLE, "The " + type + " frame is not available yet."));
  }
}
