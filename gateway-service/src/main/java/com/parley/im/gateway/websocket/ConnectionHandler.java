package com.parley.im.gateway.websocket;

import com.parley.im.defaults.text.WellFormedText;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.presence.RouteWatch;
import com.parley.im.gateway.presence.SocketReporter;
import com.parley.im.gateway.security.RevokedSessions;
import com.parley.im.gateway.session.ClientSession;
import com.parley.im.gateway.session.FrameEncoder;
import com.parley.im.gateway.session.SessionRegistry;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.protocol.Frames;
import com.parley.im.protocol.SocketCodes;
import java.time.Instant;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Runs one accepted socket: registers it, queues {@code welcome}, then reads client frames and
 * writes server frames until either side closes. Writing starts once presence routes the socket
 * ({@link RouteWatch}), so that a client which sees {@code welcome} and then catches up misses no
 * message; frames pushed meanwhile wait behind {@code welcome} in the socket's queue.
 *
 * <p>Reading: each text frame counts as a sign of life (control frames do not), is checked against
 * the 64 KiB limit and handed to the {@link FrameDispatcher}. Frames of one socket are handled one
 * at a time in arrival order ({@code concatMap}), because PROTOCOL.md promises that one device's
 * sends keep their order; a {@code send} is handled once it is queued in order (its answer comes
 * later, ADR 0031), so a client's pipelined sends travel together; while a handler works, at most a
 * few frames are read ahead and then TCP back-pressure slows the client down.
 *
 * <p>Writing: through the socket's bounded queue ({@link ClientSession}).
 */
@Component
class ConnectionHandler {

  /** Frames read ahead of the one being handled. */
  private static final int READ_AHEAD = 8;

  private final SessionRegistry registry;
  private final FrameDispatcher dispatcher;
  private final FrameEncoder frames;
  private final RevokedSessions revoked;
  private final SocketReporter reporter;
  private final RouteWatch routes;
  private final GatewayProperties.WebSocket settings;
  private final long maxFrameBytes;

  ConnectionHandler(
      SessionRegistry registry,
      FrameDispatcher dispatcher,
      FrameEncoder frames,
      RevokedSessions revoked,
      SocketReporter reporter,
      RouteWatch routes,
      GatewayProperties properties) {
    this.registry = registry;
    this.dispatcher = dispatcher;
    this.frames = frames;
    this.revoked = revoked;
    this.reporter = reporter;
    this.routes = routes;
    this.settings = properties.websocket();
    this.maxFrameBytes = settings.maxFrameSize().toBytes();
  }

  Mono<Void> handle(WebSocketSession socket, SocketIdentity identity) {
    Runnable abort =
        socket instanceof AbortableSession abortable
            ? abortable::abort
            : () -> socket.close(CloseStatus.POLICY_VIOLATION).subscribe();
    ClientSession session =
        new ClientSession(
            identity.userId(),
            identity.deviceId(),
            identity.sessionId(),
            socket,
            abort,
            settings.outboundQueueLimit());
    registry.add(session);
    session.send(
        frames.encode(
            new Frames.Welcome(
                identity.userId(),
                identity.deviceId(),
                identity.sessionId(),
                settings.heartbeatInterval().toMillis(),
                Instant.now())));
    // After welcome is queued; the closed below is always reported after this (one publisher).
    reporter.opened(session);
    if (revoked.isRevoked(identity.sessionId())) {
      // Revoked while the handshake was under way.
      session.close(
          new CloseStatus(SocketCodes.CLOSE_SESSION_REVOKED, "session revoked"),
          frames.encode(
              new Frames.Error(null, ErrorCodes.CLOSING, "This device session has ended.")));
    }
    Mono<Void> reading =
        socket
            .receive()
            .filter(
                message ->
                    message.getType() == WebSocketMessage.Type.TEXT
                        || message.getType() == WebSocketMessage.Type.BINARY)
            // Runs while Netty still holds the frame: copy what is needed out of it here.
            .map(message -> read(session, message))
            .concatMap(inbound -> inbound.handle(session), READ_AHEAD)
            .onErrorResume(e -> Mono.empty())
            .then();
    return Mono.when(
            reading.doFinally(signal -> session.ended()),
            routes.routed(session).then(session.writeAll()))
        .doFinally(
            signal -> {
              registry.remove(session);
              reporter.closed(session, signal == SignalType.ON_ERROR);
            });
  }

  private Inbound read(ClientSession session, WebSocketMessage message) {
    session.touch();
    if (message.getType() != WebSocketMessage.Type.TEXT) {
      return new Inbound(null, ErrorCodes.MALFORMED_JSON, "Frames are JSON text, not binary.");
    }
    if (message.getPayload().readableByteCount() > maxFrameBytes) {
      return new Inbound(
          null, ErrorCodes.FRAME_TOO_LARGE, "Frames may not exceed " + maxFrameBytes + " bytes.");
    }
    if (!isWellFormed(message.getPayload())) {
      // Invalid UTF-8 or a lone surrogate (ADR 0009): decoding would change it (U+FFFD, "?"),
      // so it is refused, without an id (the id may be what is malformed).
      return new Inbound(
          null,
          ErrorCodes.VALIDATION_FAILED,
          "A frame's text must be well-formed Unicode (UTF-8, no lone surrogates).");
    }
    return new Inbound(message.getPayloadAsText(), null, null);
  }

  private static boolean isWellFormed(DataBuffer payload) {
    WellFormedText scanner = new WellFormedText();
    try (DataBuffer.ByteBufferIterator buffers = payload.readableByteBuffers()) {
      while (buffers.hasNext()) {
        java.nio.ByteBuffer bytes = buffers.next();
        while (bytes.hasRemaining()) {
          if (!scanner.feed(bytes.get())) {
            return false;
          }
        }
      }
    }
    return scanner.finish();
  }

  /** A frame read off the socket: its text, or why it is refused before parsing. */
  private final class Inbound {
    private final String text;
    private final String code;
    private final String message;

    Inbound(String text, String code, String message) {
      this.text = text;
      this.code = code;
      this.message = message;
    }

    Mono<Void> handle(ClientSession session) {
      return text != null
          ? dispatcher.dispatch(session, text)
          : dispatcher.reject(session, null, code, message);
    }
  }
}
