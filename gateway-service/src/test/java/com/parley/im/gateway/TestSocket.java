package com.parley.im.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A WebSocket client for tests: frames received go to a queue; the close status is kept. */
public final class TestSocket implements AutoCloseable {

  private static final JsonMapper JSON = new JsonMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();
  private final CompletableFuture<WebSocketCloseStatus> closeStatus = new CompletableFuture<>();
  private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
  private final CompletableFuture<Boolean> opened = new CompletableFuture<>();
  private final Disposable connection;

  private TestSocket(
      int port, String query, Consumer<io.netty.handler.codec.http.HttpHeaders> headers) {
    connection =
        HttpClient.create()
            .headers(headers)
            .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(4 * 1024 * 1024).build())
            .uri("ws://127.0.0.1:" + port + "/ws" + query)
            .handle(
                (in, out) -> {
                  opened.complete(true);
                  in.receiveCloseStatus().subscribe(closeStatus::complete);
                  Mono<Void> reading =
                      in.aggregateFrames(4 * 1024 * 1024)
                          .receiveFrames()
                          .doOnNext(
                              frame -> {
                                if (frame instanceof TextWebSocketFrame text) {
                                  collect(text.text());
                                }
                              })
                          .then();
                  Mono<Void> writing =
                      out.sendObject(outbound.asFlux().map(TextWebSocketFrame::new)).then();
                  return Mono.when(reading, writing);
                })
            .subscribe(
                null,
                e -> {
                  failure.complete(e);
                  opened.complete(false);
                  closeStatus.complete(null);
                },
                () -> closeStatus.complete(null));
  }

  public static TestSocket connect(int port, String bearer) {
    return new TestSocket(port, "", h -> h.set("Authorization", "Bearer " + bearer));
  }

  public static TestSocket connect(
      int port, String query, Consumer<io.netty.handler.codec.http.HttpHeaders> headers) {
    return new TestSocket(port, query, headers);
  }

  /** Waits for the upgrade; false when the handshake was refused. */
  public boolean awaitOpen() throws Exception {
    return opened.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Why the connection failed (such as a refused handshake), waiting for it. */
  public Throwable awaitFailure() throws Exception {
    return failure.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  public void send(String text) {
    outbound.tryEmitNext(text).orThrow();
  }

  /** The next frame, parsed; fails the test if none arrives in time. */
  public JsonNode next() throws InterruptedException {
    String text = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(text).as("a frame within %s", WAIT).isNotNull();
    return JSON.readTree(text);
  }

  /** The next frame of this type, skipping others. */
  public JsonNode next(String type) throws InterruptedException {
    while (true) {
      JsonNode frame = next();
      if (type.equals(frame.path("type").asString())) {
        return frame;
      }
    }
  }

  /** The close status the server sent; fails the test if the socket is still open after a while. */
  public WebSocketCloseStatus awaitClose(Duration wait) throws Exception {
    return closeStatus.get(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isClosed() {
    return closeStatus.isDone();
  }

  @Override
  public void close() {
    outbound.tryEmitComplete();
    connection.dispose();
  }

  /**
   * Queues a received frame for {@link #next}; runs on the client's event loop. The queue's lock
   * can be contended by the test thread polling it (a park of microseconds, in the test's own
   * client, not the server): allowed in {@link GatewayBlockHoundIntegration}, where an error thrown
   * here lost the frame and failed tests at random ("a frame within PT10S").
   */
  private void collect(String text) {
    received.add(text);
  }
}
