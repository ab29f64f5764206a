package com.parley.im.gateway.websocket;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Spring's Reactor Netty upgrade, except that handlers get an {@link AbortableSession}. The
 * WebSocket spec sets the hard frame limit (larger frames: Netty closes with 1009); pings are
 * answered by Netty and never reach the handler.
 */
final class SocketUpgradeStrategy implements RequestUpgradeStrategy {

  private final WebsocketServerSpec spec;

  SocketUpgradeStrategy(int maxFramePayloadLength) {
    this.spec = WebsocketServerSpec.builder().maxFramePayloadLength(maxFramePayloadLength).build();
  }

  @Override
  public Mono<Void> upgrade(
      ServerWebExchange exchange,
      WebSocketHandler handler,
      @Nullable String subProtocol,
      Supplier<HandshakeInfo> handshakeInfoFactory) {
    ServerHttpResponse response = exchange.getResponse();
    HttpServerResponse reactorResponse = ServerHttpResponseDecorator.getNativeResponse(response);
    HandshakeInfo handshakeInfo = handshakeInfoFactory.get();
    NettyDataBufferFactory bufferFactory = (NettyDataBufferFactory) response.bufferFactory();
    return response
        .setComplete()
        .then(
            Mono.defer(
                () ->
                    reactorResponse.sendWebsocket(
                        (in, out) ->
                            handler.handle(
                                new AbortableSession(
                                    in,
                                    out,
                                    handshakeInfo,
                                    bufferFactory,
                                    spec.maxFramePayloadLength())),
                        spec)));
  }
}
