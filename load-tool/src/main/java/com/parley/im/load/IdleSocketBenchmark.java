package com.parley.im.load;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * Memory per idle WebSocket in the gateway: opens N sockets (one signed-in device, N sockets),
 * keeps them alive with {@code ping} frames only, and compares the gateway's heap after a full GC
 * and its resident set size before and after. The target is under 10 KB per idle socket.
 */
final class IdleSocketBenchmark {

  private final GatewayApi api;
  private final int sockets;
  private final Duration hold;
  private final String gatewayPid;

  IdleSocketBenchmark(Map<String, String> options) {
    this.api =
        new GatewayApi(
            options.getOrDefault(
                "base", options.getOrDefault("base-url", "http://localhost:8080")));
    this.sockets = Integer.parseInt(options.getOrDefault("sockets", "2000"));
    this.hold = Duration.ofSeconds(Long.parseLong(options.getOrDefault("hold", "10")));
    this.gatewayPid = options.get("gateway-pid");
  }

  void run() throws Exception {
    GatewayProcess gateway = GatewayProcess.fromOptionOrPidFile(gatewayPid);
    GatewayApi.Session session = api.newUser("idle_", "idle-bench");

    long heapBefore = gateway.heapUsedAfterGc();
    long rssBefore = gateway.rssBytes();

    String wsUrl = api.base().replaceFirst("^http", "ws") + "/ws";
    // A connection per socket, not the pool: a pool (16 connections by default) would hold every
    // further handshake back until its acquire timeout.
    HttpClient client =
        HttpClient.newConnection()
            .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + session.accessToken()));
    ConcurrentLinkedQueue<Disposable> open = new ConcurrentLinkedQueue<>();
    Instant start = Instant.now();
    // Open in bounded parallel batches: each socket completes its Mono when `welcome` arrives.
    Long welcomed =
        Flux.range(0, sockets)
            .flatMap(i -> connect(client, wsUrl, open), 64)
            .count()
            .block(Duration.ofMinutes(5));
    Duration opening = Duration.between(start, Instant.now());
    System.out.printf(
        "opened %d/%d sockets in %.1f s; holding %d s%n",
        welcomed, sockets, opening.toMillis() / 1000.0, hold.toSeconds());
    Mono.delay(hold).block();

    long heapAfter = gateway.heapUsedAfterGc();
    long rssAfter = gateway.rssBytes();
    List<String> lines = new ArrayList<>();
    lines.add(String.format("gateway pid %d, %d idle sockets", gateway.pid(), welcomed));
    lines.add(
        String.format(
            "heap after GC: %.1f MiB -> %.1f MiB = %.2f KiB per socket",
            heapBefore / 1048576.0,
            heapAfter / 1048576.0,
            (heapAfter - heapBefore) / 1024.0 / welcomed));
    lines.add(
        String.format(
            "RSS:           %.1f MiB -> %.1f MiB = %.2f KiB per socket",
            rssBefore / 1048576.0,
            rssAfter / 1048576.0,
            (rssAfter - rssBefore) / 1024.0 / welcomed));
    lines.add(
        String.format(
            "RESULT idle sockets=%d heap_kib_per_socket=%.2f rss_kib_per_socket=%.2f",
            welcomed,
            (heapAfter - heapBefore) / 1024.0 / welcomed,
            (rssAfter - rssBefore) / 1024.0 / welcomed));
    lines.forEach(System.out::println);
    open.forEach(Disposable::dispose);
  }

  /** Opens one socket, completes on `welcome`, then pings every 10 s until disposed. */
  private Mono<Boolean> connect(
      HttpClient client, String url, ConcurrentLinkedQueue<Disposable> open) {
    Sinks.One<Boolean> welcomed = Sinks.one();
    Disposable connection =
        client
            .websocket(WebsocketClientSpec.builder().handlePing(true).build())
            .uri(url)
            .handle(
                (in, out) -> {
                  Mono<Void> reads =
                      in.receive()
                          .asString()
                          .doOnNext(
                              frame -> {
                                if (frame.contains("\"welcome\"")) {
                                  welcomed.tryEmitValue(true);
                                }
                              })
                          .then();
                  Mono<Void> pings =
                      out.sendString(
                              Flux.interval(Duration.ofSeconds(10)).map(n -> "{\"type\":\"ping\"}"))
                          .then();
                  return Mono.when(reads, pings);
                })
            .subscribe(
                null, error -> welcomed.tryEmitError(error), () -> welcomed.tryEmitValue(false));
    open.add(connection);
    return welcomed.asMono().timeout(Duration.ofSeconds(30));
  }
}
