package com.parley.im.gateway.websocket;

import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.util.context.Context;

/**
 * Spring's Reactor Netty upgrade, except that handlers get an {@link AbortableSession} whose
 * handshake info keeps no request headers, cookies or principal (an idle socket should cost little
 * heap). The WebSocket spec sets the hard frame limit (larger frames: Netty closes with 1009);
 * pings are answered by Netty and never reach the handler.
 */
final class SocketUpgradeStrategy implements RequestUpgradeStrategy {

  private static final MultiValueMap<String, HttpCookie> EMPTY_COOKIES =
      CollectionUtils.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

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
    HandshakeInfo handshake = handshakeInfoFactory.get();
    // The session keeps only what the socket uses: not the request's headers (with the bearer
    // token), cookies or principal (the socket's identity was taken from them before the upgrade).
    HandshakeInfo handshakeInfo =
        new HandshakeInfo(
            handshake.getUri(),
            HttpHeaders.EMPTY,
            EMPTY_COOKIES,
            Mono.empty(),
            handshake.getSubProtocol(),
            handshake.getRemoteAddress(),
            Map.of(),
            handshake.getLogPrefix());
    NettyDataBufferFactory bufferFactory = (NettyDataBufferFactory) response.bufferFactory();
    return response
        .setComplete()
        .then(
            Mono.defer(
                    () ->
                        reactorResponse.sendWebsocket(
                            (in, out) -> {
                              // The handshake is done: the upgrade's request and response headers
                              // (about 4 KB with the bearer token) would otherwise stay on the
                              // connection as long as the socket lives.
                              in.headers().clear();
                              reactorResponse.responseHeaders().clear();
                              return handler.handle(
                                  new AbortableSession(
                                      in,
                                      out,
                                      handshakeInfo,
                                      bufferFactory,
                                      spec.maxFramePayloadLength()));
                            },
                            spec))
                // Reactor Netty subscribes the handler with the upgrade's Reactor context, and
                // that subscription lives as long as the socket: without this, every idle socket
                // keeps the upgrade's exchange (headers with the bearer token, attributes, the
                // filter chain's security context) reachable. Frames start their own traces.
                .contextWrite(context -> Context.empty()));
  }
}
