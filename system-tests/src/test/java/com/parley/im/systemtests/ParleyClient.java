package com.parley.im.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A REST client of the public protocol (PROTOCOL.md), talking to the gateway only. */
public final class ParleyClient {

  public static final JsonMapper JSON = JsonMapper.builder().build();
  public static final String PASSWORD = "correct horse battery";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base = RunningSystem.baseUrl();

  /** A response: status, content type and the body parsed as JSON (MissingNode when empty). */
  public record Response(int status, String contentType, String raw, JsonNode json) {

    public String code() {
      return json.path("code").asString("");
    }

    public Response expectStatus(int expected) {
      assertThat(status).as("HTTP status; body: %s", raw).isEqualTo(expected);
      return this;
    }

    /** An RFC 9457 problem with this status and a non-blank machine-readable {@code code}. */
    public Response expectProblem(int expected) {
      expectStatus(expected);
      assertThat(contentType)
          .as("problem content type; body: %s", raw)
          .startsWith("application/problem+json");
      assertThat(json.path("status").asInt(expected))
          .as("problem status member")
          .isEqualTo(expected);
      assertThat(code()).as("problem `code`; body: %s", raw).isNotBlank();
      return this;
    }

    public Response expectProblem(int expected, String code) {
      expectProblem(expected);
      assertThat(code()).as("problem `code`; body: %s", raw).isEqualTo(code);
      return this;
    }
  }

  /** A registered user. */
  public record Account(String id, String username, String displayName) {}

  /** One device's session after login (or refresh). */
  public record Session(
      Account account, String deviceId, String accessToken, String refreshToken, long expiresIn) {

    public Session refreshed(JsonNode pair) {
      return new Session(
          account,
          deviceId,
          pair.path("accessToken").asString(),
          pair.path("refreshToken").asString(),
          pair.path("expiresIn").asLong());
    }
  }

  public String baseUrl() {
    return base;
  }

  // ----------------------------------------------------------------------------------------------
  // plain HTTP

  public Response get(String path, String token) {
    return send(request(path, token).GET());
  }

  public Response post(String path, Object body, String token) {
    return send(withBody(request(path, token), "POST", body));
  }

  /**
   * Posts again every 500 ms, for up to 60 s, until {@code done} accepts the answer (as a client
   * does while a restarted service is not reachable yet); answers that answer. Only for posts that
   * are safe to repeat.
   */
  public Response postUntil(
      String what, String path, Object body, String token, Predicate<Response> done) {
    AtomicReference<Response> last = new AtomicReference<>();
    await(what)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              last.set(post(path, body, token));
              return done.test(last.get());
            });
    return last.get();
  }

  public Response patch(String path, Object body, String token) {
    return send(withBody(request(path, token), "PATCH", body));
  }

  public Response put(String path, Object body, String token) {
    return send(withBody(request(path, token), "PUT", body));
  }

  public Response delete(String path, String token) {
    return send(request(path, token).DELETE());
  }

  public Response postRaw(String path, String rawJson, String token) {
    return send(
        request(path, token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(rawJson)));
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .header("Accept", "application/json, application/problem+json");
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private static HttpRequest.Builder withBody(
      HttpRequest.Builder builder, String method, Object body) {
    if (body == null) { // no body at all, e.g. POST .../accept or PUT /api/blocks/{id}
      return builder.method(method, HttpRequest.BodyPublishers.noBody());
    }
    String json = JSON.writeValueAsString(body);
    return builder
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(json));
  }

  private Response send(HttpRequest.Builder builder) {
    HttpRequest request = builder.build();
    try {
      HttpResponse<String> response =
          http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
      String body = response.body() == null ? "" : response.body();
      JsonNode json;
      try {
        json = body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
      } catch (RuntimeException notJson) {
        json = JSON.missingNode();
      }
      return new Response(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          request.method() + " " + request.uri() + " -> " + response.statusCode() + " " + body,
          json);
    } catch (java.util.concurrent.ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      throw new UncheckedIOException(
          request.method() + " " + request.uri() + " failed",
          cause instanceof IOException io ? io : new IOException(cause));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ----------------------------------------------------------------------------------------------
  // protocol helpers

  /** A fresh username: random, unique, valid (3-32 of [A-Za-z0-9_.]). */
  public static String uniqueUsername(String prefix) {
    String random = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return (prefix + "_" + random).substring(0, Math.min(32, prefix.length() + 13));
  }

  public static String uniqueDeviceId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public Response registerRaw(String username, String password, String displayName) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    if (username != null) {
      body.put("username", username);
    }
    if (password != null) {
      body.put("password", password);
    }
    if (displayName != null) {
      body.put("displayName", displayName);
    }
    return post("/api/users", body, null);
  }

  public Account register(String username, String displayName) {
    JsonNode json = registerRaw(username, PASSWORD, displayName).expectStatus(201).json();
    return new Account(
        json.path("id").asString(),
        json.path("username").asString(),
        json.path("displayName").asString());
  }

  public Account register(String prefix) {
    String username = uniqueUsername(prefix);
    return register(username, "User " + username);
  }

  public Response loginRaw(String username, String password, String deviceId) {
    return post(
        "/api/auth/login",
        Map.of("username", username, "password", password, "deviceId", deviceId),
        null);
  }

  public Session login(Account account, String deviceId) {
    JsonNode json = loginRaw(account.username(), PASSWORD, deviceId).expectStatus(200).json();
    return new Session(
        account,
        deviceId,
        json.path("accessToken").asString(),
        json.path("refreshToken").asString(),
        json.path("expiresIn").asLong());
  }

  public Response refresh(String refreshToken) {
    return post("/api/auth/refresh", Map.of("refreshToken", refreshToken), null);
  }

  public Response logout(Session session) {
    return post("/api/auth/logout", Map.of(), session.accessToken());
  }

  public Response me(String token) {
    return get("/api/users/me", token);
  }

  public String wsTicket(Session session) {
    JsonNode json =
        post("/api/auth/ws-ticket", Map.of(), session.accessToken()).expectStatus(200).json();
    assertThat(json.path("ticket").asString()).as("ticket").isNotBlank();
    return json.path("ticket").asString();
  }

  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /**
   * The items of a list response. PROTOCOL.md does not fix the envelope of paged lists: accept a
   * bare array or an object with one array member (e.g. {@code items}, {@code users}).
   */
  public static List<JsonNode> items(JsonNode json) {
    JsonNode array = json;
    if (!json.isArray()) {
      array = null;
      for (String name : List.of("items", "users", "results", "data", "content")) {
        if (json.path(name).isArray()) {
          array = json.path(name);
          break;
        }
      }
      if (array == null) {
        for (Map.Entry<String, JsonNode> member : json.properties()) {
          if (member.getValue().isArray()) {
            array = member.getValue();
            break;
          }
        }
      }
    }
    assertThat(array).as("a list in %s", json).isNotNull();
    return new ArrayList<>(array.values());
  }

  /** The JSON payload (second part) of a JWT, decoded without verifying it. */
  public static JsonNode jwtPart(String jwt, int part) {
    String[] parts = jwt.split("\\.");
    assertThat(parts).as("JWT parts of %s", jwt).hasSize(3);
    return JSON.readTree(
        new String(Base64.getUrlDecoder().decode(parts[part]), StandardCharsets.UTF_8));
  }

  // ----------------------------------------------------------------------------------------------
  // messaging helpers (PROTOCOL.md "Conversations and messages")

  /** How long an event takes to travel between services on a busy machine, generously. */
  public static final Duration EVENTUAL = Duration.ofSeconds(30);

  /** A fresh user with one logged-in device. */
  public Session newUser(String prefix) {
    return login(register(prefix), uniqueDeviceId("dev"));
  }

  /** The same user logged in on one more device. */
  public Session anotherDevice(Session session) {
    return login(session.account(), uniqueDeviceId("dev"));
  }

  /** A WebSocket of this device, after its {@code welcome}. */
  public static WsConnection openSocket(Session session) {
    WsConnection socket = WsConnection.withBearer(session.accessToken());
    socket.awaitType("welcome");
    return socket;
  }

  /** A client message id, unique per sender (1-64 characters). */
  public static String clientMsgId(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  /**
   * Makes {@code a} and {@code b} friends through the friend API: a's request (repeated while
   * relation-service has not heard of the new user yet: 404), b's accept.
   */
  public void befriend(Session a, Session b) {
    AtomicReference<Response> last = new AtomicReference<>();
    await("relation-service knows " + b.account().username())
        .atMost(EVENTUAL)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              last.set(
                  post(
                      "/api/friend-requests",
                      Map.of("toUserId", b.account().id()),
                      a.accessToken()));
              return last.get().status() != 404;
            });
    JsonNode request = last.get().expectStatus(201).json();
    if (!"accepted".equals(request.path("status").asString())) {
      post(
              "/api/friend-requests/" + request.path("id").asString() + "/accept",
              null,
              b.accessToken())
          .expectStatus(200);
    }
  }

  /** {@code GET /api/conversations} (with {@code since} unless null): the whole answer. */
  public JsonNode conversations(Session session, String since) {
    String query = since == null ? "" : "?since=" + encode(since);
    return get("/api/conversations" + query, session.accessToken()).expectStatus(200).json();
  }

  /** The caller's entry for one conversation in {@code GET /api/conversations}, if listed. */
  public Optional<JsonNode> conversationEntry(Session session, String conversationId) {
    JsonNode list = conversations(session, null).path("conversations");
    assertThat(list.isArray()).as("`conversations` array").isTrue();
    for (JsonNode entry : list.values()) {
      if (conversationId.equals(entry.path("id").asString())) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  /** Waits until the conversation is in the caller's list, and returns the entry. */
  public JsonNode awaitConversationEntry(Session session, String conversationId) {
    return await(conversationId + " in " + session.account().username() + "'s conversations")
        .atMost(EVENTUAL)
        .pollInterval(Duration.ofMillis(300))
        .until(() -> conversationEntry(session, conversationId), Optional::isPresent)
        .orElseThrow();
  }

  /**
   * Makes two friends and waits for their direct conversation: its id in {@code a}'s {@code GET
   * /api/friends}, and the conversation in both sides' {@code GET /api/conversations}.
   */
  public String directConversationOfNewFriends(Session a, Session b) {
    befriend(a, b);
    String conversationId =
        await("a conversationId for " + b.account().username() + " in GET /api/friends")
            .atMost(EVENTUAL)
            .pollInterval(Duration.ofMillis(300))
            .until(
                () ->
                    items(get("/api/friends", a.accessToken()).expectStatus(200).json()).stream()
                        .filter(f -> b.account().id().equals(f.path("userId").asString()))
                        .map(f -> f.path("conversationId").asString(""))
                        .filter(id -> !id.isBlank())
                        .findFirst(),
                Optional::isPresent)
            .orElseThrow();
    awaitConversationEntry(a, conversationId);
    awaitConversationEntry(b, conversationId);
    return conversationId;
  }

  /**
   * {@code GET /api/conversations/{id}/messages} with a query such as {@code afterSeq=3&limit=5}
   * (or "" for the newest page): the {@code messages} array, ascending by seq.
   */
  public List<JsonNode> history(Session session, String conversationId, String query) {
    JsonNode json =
        get(historyPath(conversationId, query), session.accessToken()).expectStatus(200).json();
    assertThat(json.path("messages").isArray()).as("`messages` array in %s", json).isTrue();
    return new ArrayList<>(json.path("messages").values());
  }

  public static String historyPath(String conversationId, String query) {
    return "/api/conversations/"
        + conversationId
        + "/messages"
        + (query == null || query.isEmpty() ? "" : "?" + query);
  }

  /** The REST fallback: {@code POST /api/conversations/{id}/messages}. */
  public Response postMessage(
      Session session, String conversationId, String clientMsgId, String kind, Object body) {
    Map<String, Object> request = new java.util.LinkedHashMap<>();
    request.put("clientMsgId", clientMsgId);
    request.put("kind", kind);
    request.put("body", body);
    return post(
        "/api/conversations/" + conversationId + "/messages", request, session.accessToken());
  }

  /** The seqs of messages or message frames, in the given order. */
  public static List<Long> seqs(List<JsonNode> messages) {
    return messages.stream().map(m -> m.path("seq").asLong()).toList();
  }

  /** The longs from {@code first} to {@code last}, both included. */
  public static List<Long> seqRange(long first, long last) {
    List<Long> range = new ArrayList<>();
    for (long seq = first; seq <= last; seq++) {
      range.add(seq);
    }
    return range;
  }
}
