package com.parley.im.load.chat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * PROTOCOL.md's REST calls that the chat run needs, through the gateway, as a client makes them:
 * bearer token, JSON bodies, problem details with a {@code code} on errors. A 429 is retried after
 * its {@code Retry-After} (the gateway limits sign-ups and logins per client address, and every
 * user's requests), a 503 or a refused connection a few times after a second.
 */
final class ChatApi {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_RATE_LIMIT_RETRIES = 120;

  private final String base;
  private final HttpClient http;

  ChatApi(String base) {
    this.base = base;
    this.http =
        HttpClient.create(ConnectionProvider.builder("load-tool-rest").maxConnections(64).build())
            .baseUrl(base)
            .responseTimeout(TIMEOUT);
  }

  String base() {
    return base;
  }

  /** A refusal: the HTTP status and the problem's {@code code} (or an empty string). */
  static final class ApiException extends RuntimeException {
    final int status;
    final String code;
    final long retryAfterMs;

    ApiException(String request, int status, String code, long retryAfterMs, String body) {
      super(request + " -> " + status + " " + body);
      this.status = status;
      this.code = code;
      this.retryAfterMs = retryAfterMs;
    }
  }

  Mono<JsonNode> get(String path, String token) {
    return call(HttpMethod.GET, path, token, null);
  }

  Mono<JsonNode> post(String path, String token, Object body) {
    return call(HttpMethod.POST, path, token, body);
  }

  /** Registers {@code username} and logs its device in: {@code {userId, accessToken}}. */
  Mono<JsonNode> registerAndLogin(String username, String password, String deviceId) {
    return post(
            "/api/users",
            null,
            Map.of("username", username, "password", password, "displayName", username))
        .then(
            post(
                "/api/auth/login",
                null,
                Map.of("username", username, "password", password, "deviceId", deviceId)));
  }

  private Mono<JsonNode> call(HttpMethod method, String path, String token, Object body) {
    String request = method + " " + path;
    Mono<JsonNode> once =
        http.headers(
                h -> {
                  if (token != null) {
                    h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
                  }
                  if (body != null) {
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                  }
                })
            .request(method)
            .uri(path)
            .send(
                body == null
                    ? ByteBufFlux.fromString(Mono.empty())
                    : ByteBufFlux.fromString(
                        Mono.just(
                            new String(JSON.writeValueAsBytes(body), StandardCharsets.UTF_8))))
            .responseSingle(
                (response, content) ->
                    content
                        .asString()
                        .defaultIfEmpty("")
                        .flatMap(
                            text -> {
                              int status = response.status().code();
                              if (status / 100 == 2) {
                                return Mono.just(
                                    text.isEmpty() ? JSON.nullNode() : JSON.readTree(text));
                              }
                              String code = "";
                              try {
                                code = str(JSON.readTree(text), "code", "");
                              } catch (RuntimeException notJson) {
                                // keep the empty code
                              }
                              long retryAfterMs = 1000;
                              String header = response.responseHeaders().get("Retry-After");
                              if (header != null) {
                                try {
                                  retryAfterMs = Long.parseLong(header.trim()) * 1000;
                                } catch (NumberFormatException notSeconds) {
                                  // keep a second
                                }
                              }
                              return Mono.error(
                                  new ApiException(request, status, code, retryAfterMs, text));
                            }));
    return once.retryWhen(
        Retry.from(
            signals ->
                signals.concatMap(
                    signal -> {
                      Throwable failure = signal.failure();
                      long attempt = signal.totalRetries();
                      if (failure instanceof ApiException limited
                          && limited.status == 429
                          && attempt < MAX_RATE_LIMIT_RETRIES) {
                        return Mono.delay(Duration.ofMillis(Math.max(100, limited.retryAfterMs)));
                      }
                      boolean transientFailure =
                          !(failure instanceof ApiException refused) || refused.status == 503;
                      if (transientFailure && attempt < 5) {
                        return Mono.delay(Duration.ofSeconds(1));
                      }
                      return Mono.error(failure);
                    })));
  }

  /** A string member, or {@code fallback} when absent or null. */
  static String str(JsonNode node, String field, String fallback) {
    return node != null && node.hasNonNull(field) ? node.get(field).asString() : fallback;
  }

  /** A number member, or {@code fallback} when absent or null. */
  static long num(JsonNode node, String field, long fallback) {
    return node != null && node.hasNonNull(field) ? node.get(field).asLong() : fallback;
  }
}
