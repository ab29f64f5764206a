package com.parley.im.load;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The few REST calls of PROTOCOL.md that the benchmarks need, through the gateway. */
final class GatewayApi {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String base;
  private final HttpClient http;

  GatewayApi(String base) {
    this.base = base;
    this.http = HttpClient.create().baseUrl(base).responseTimeout(TIMEOUT);
  }

  String base() {
    return base;
  }

  /** A signed-in device: its access token and ids. */
  record Session(String userId, String deviceId, String accessToken) {}

  /** Registers a fresh user and logs one device in. */
  Session newUser(String prefix, String deviceId) {
    String username = prefix + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    String password = "load-tool-password";
    post("/api/users", Map.of("username", username, "password", password, "displayName", username))
        .block(TIMEOUT);
    JsonNode login =
        post(
                "/api/auth/login",
                Map.of("username", username, "password", password, "deviceId", deviceId))
            .block(TIMEOUT);
    return new Session(
        login.get("userId").asString(), deviceId, login.get("accessToken").asString());
  }

  private Mono<JsonNode> post(String path, Object body) {
    byte[] json = JSON.writeValueAsBytes(body);
    return http.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
        .post()
        .uri(path)
        .send(
            ByteBufFlux.fromString(
                Mono.just(new String(json, java.nio.charset.StandardCharsets.UTF_8))))
        .responseSingle(
            (response, content) ->
                content
                    .asString()
                    .defaultIfEmpty("")
                    .flatMap(
                        text ->
                            response.status().code() / 100 == 2
                                ? Mono.just(JSON.readTree(text))
                                : Mono.error(
                                    new IllegalStateException(
                                        "POST "
                                            + path
                                            + " -> "
                                            + response.status()
                                            + " "
                                            + text))));
  }
}
