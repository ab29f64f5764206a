package com.parley.sdk;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * The REST half of the protocol, with the device session's tokens: every call carries the access
 * token; one that answers 401 {@code token_expired} refreshes (one refresh at a time: two racing
 * refreshes with the same token would count as reuse and end the session) and is repeated once. A
 * refresh answered 401 ends the session ({@link SessionEndedException}).
 */
final class Api {

  /** The device session is over; the app must log in again. */
  static final class SessionEndedException extends ParleyException {
    SessionEndedException(String reason) {
      super(401, "session_ended", reason);
    }
  }

  /** An answer: status and body (MissingNode when empty). */
  record Answer(int status, JsonNode json, HttpResponse<String> raw) {
    String code() {
      return json.path("code").asString("");
    }

    ParleyException problem() {
      return new ParleyException(status, code(), json.path("detail").asString(raw.body()));
    }
  }

  record Tokens(String userId, String accessToken, String refreshToken, Instant expiresAt) {}

  private final URI base;
  private final HttpClient http;
  private final JsonMapper json;
  private final Duration timeout;
  private volatile Tokens tokens;
  private CompletableFuture<Tokens> refreshing; // guarded by this

  Api(URI base, HttpClient http, JsonMapper json, Duration timeout) {
    this.base = base;
    this.http = http;
    this.json = json;
    this.timeout = timeout;
  }

  Tokens tokens() {
    return tokens;
  }

  JsonMapper json() {
    return json;
  }

  URI base() {
    return base;
  }

  CompletableFuture<Answer> post(String path, Object body, boolean authenticated) {
    return call("POST", path, body, authenticated, true);
  }

  CompletableFuture<Answer> get(String path) {
    return call("GET", path, null, true, true);
  }

  CompletableFuture<Tokens> login(String username, String password, String deviceId) {
    return post(
            "/api/auth/login",
            java.util.Map.of("username", username, "password", password, "deviceId", deviceId),
            false)
        .thenApply(this::acceptTokens);
  }

  /** Refreshes the pair once for all callers that ask at the same time. */
  synchronized CompletableFuture<Tokens> refresh() {
    if (refreshing != null) {
      return refreshing;
    }
    Tokens current = tokens;
    CompletableFuture<Tokens> next =
        post("/api/auth/refresh", java.util.Map.of("refreshToken", current.refreshToken()), false)
            .thenApply(
                answer -> {
                  if (answer.status() == 401) {
                    throw new SessionEndedException("The refresh token was refused.");
                  }
                  return acceptTokens(answer);
                });
    refreshing = next;
    next.whenComplete(
        (t, e) -> {
          synchronized (this) {
            refreshing = null;
          }
        });
    return next;
  }

  private Tokens acceptTokens(Answer answer) {
    if (answer.status() != 200) {
      throw answer.problem();
    }
    JsonNode body = answer.json();
    Tokens next =
        new Tokens(
            body.path("userId").asString(),
            body.path("accessToken").asString(),
            body.path("refreshToken").asString(),
            Instant.now().plusSeconds(body.path("expiresIn").asLong(900)));
    tokens = next;
    return next;
  }

  private CompletableFuture<Answer> call(
      String method, String path, Object body, boolean authenticated, boolean mayRefresh) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(timeout)
            .header("Accept", "application/json, application/problem+json");
    if (authenticated) {
      request.header("Authorization", "Bearer " + tokens.accessToken());
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response ->
                new Answer(
                    response.statusCode(),
                    response.body() == null || response.body().isEmpty()
                        ? MissingNode.getInstance()
                        : json.readTree(response.body()),
                    response))
        .thenCompose(
            answer -> {
              if (authenticated && mayRefresh && answer.status() == 401) {
                return refresh().thenCompose(t -> call(method, path, body, true, false));
              }
              if (authenticated && answer.status() == 401) {
                throw new SessionEndedException("The access token was refused after a refresh.");
              }
              return CompletableFuture.completedFuture(answer);
            });
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
