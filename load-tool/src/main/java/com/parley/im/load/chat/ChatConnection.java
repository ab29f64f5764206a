package com.parley.im.load.chat;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.databind.JsonNode;

/**
 * One user's WebSocket ({@code /ws}, {@code Authorization: Bearer}): frames in go to a handler as
 * JSON trees, frames out are queued and written in the order {@link #send} was called (from any
 * thread). Its own connection, not a pooled one, as in the {@code idle} benchmark.
 */
final class ChatConnection {

  private final int user;
  private final String token;
  private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();
  private final Sinks.One<JsonNode> welcome = Sinks.one();
  private volatile Disposable connection;
  private volatile boolean closed;
  private volatile String closeReason;
  volatile long heartbeatNanos = Duration.ofSeconds(30).toNanos();
  volatile long lastFrameOutNanos = System.nanoTime();

  ChatConnection(int user, String token) {
    this.user = user;
    this.token = token;
  }

  int user() {
    return user;
  }

  /**
   * Opens the socket; the Mono completes with the {@code welcome} frame. Every later frame goes to
   * {@code frames} (on a Netty event loop: it must not block); {@code onClose} runs once when the
   * socket ends.
   */
  Mono<JsonNode> open(String wsUrl, Consumer<JsonNode> frames, Consumer<String> onClose) {
    HttpClient client =
        HttpClient.newConnection()
            .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token));
    connection =
        client
            .websocket(
                WebsocketClientSpec.builder()
                    .handlePing(true)
                    .maxFramePayloadLength(1 << 20)
                    .build())
            .uri(wsUrl)
            .handle(
                (in, out) -> {
                  Mono<Void> reads =
                      in.receive()
                          .asString()
                          .doOnNext(
                              text -> {
                                JsonNode frame = ChatApi.JSON.readTree(text);
                                if ("welcome".equals(ChatApi.str(frame, "type", ""))) {
                                  long interval = ChatApi.num(frame, "heartbeatIntervalMs", 30_000);
                                  heartbeatNanos = Duration.ofMillis(interval).toNanos();
                                  welcome.tryEmitValue(frame);
                                } else {
                                  frames.accept(frame);
                                }
                              })
                          .then();
                  Mono<Void> writes = out.sendString(outbound.asFlux()).then();
                  return Mono.when(reads, writes);
                })
            .subscribe(
                null,
                error -> closed(error.toString(), onClose),
                () -> closed("closed by the server", onClose));
    return welcome.asMono().timeout(Duration.ofSeconds(30));
  }

  private void closed(String reason, Consumer<String> onClose) {
    welcome.tryEmitError(new IllegalStateException("socket of user " + user + ": " + reason));
    if (!closed) {
      closed = true;
      closeReason = reason;
      onClose.accept(reason);
    }
  }

  boolean isClosed() {
    return closed;
  }

  String closeReason() {
    return closeReason;
  }

  /** Queues a text frame; false when the socket is closed. */
  boolean send(String frame) {
    if (closed) {
      return false;
    }
    Sinks.EmitResult result;
    synchronized (this) {
      result = outbound.tryEmitNext(frame);
      lastFrameOutNanos = System.nanoTime();
    }
    return result.isSuccess();
  }

  /** Closes the socket from this side (the end of the run). */
  void close() {
    closed = true;
    synchronized (this) {
      outbound.tryEmitComplete();
    }
    Disposable current = connection;
    if (current != null) {
      current.dispose();
    }
  }
}
