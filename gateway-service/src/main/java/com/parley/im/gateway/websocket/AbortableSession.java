package com.parley.im.gateway.websocket;

import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import reactor.netty.Connection;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * A Reactor Netty WebSocket session that can also drop its connection without a close handshake.
 */
final class AbortableSession extends ReactorNettyWebSocketSession {

  AbortableSession(
      WebsocketInbound inbound,
      WebsocketOutbound outbound,
      HandshakeInfo info,
      NettyDataBufferFactory bufferFactory,
      int maxFramePayloadLength) {
    super(inbound, outbound, info, bufferFactory, maxFramePayloadLength);
  }

  /** Closes the TCP connection now (for a peer that reads nothing, not even a close frame). */
  void abort() {
    getDelegate().getInbound().withConnection(Connection::dispose);
  }
}
