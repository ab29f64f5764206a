package com.parley.im.load.chat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;

/**
 * A stand-in for the gateway in the load tool's own tests: just enough of PROTOCOL.md (sign-up,
 * login, friends, conversations, groups, history, and a socket that acks sends and pushes them to
 * the other members) for one {@link ChatBenchmark} run, with pushes it can be told to drop. Not a
 * model of the real system's behaviour under load.
 */
final class FakeGateway implements AutoCloseable {

  private final LongPredicate dropPush;
  private final DisposableServer server;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> requests = new ConcurrentHashMap<>();
  private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
  private final Map<String, Sinks.Many<String>> sockets = new ConcurrentHashMap<>();

  private static final class Conversation {
    final String id;
    final List<String> members;
    final List<Map<String, Object>> messages = new ArrayList<>();
    final Map<String, Map<String, Object>> byClientMsgId = new HashMap<>();

    Conversation(String id, List<String> members) {
      this.id = id;
      this.members = members;
    }
  }

  /**
   * @param dropPush pushes of these seqs are not sent (a lossy server)
   */
  FakeGateway(LongPredicate dropPush) {
    this.dropPush = dropPush;
    this.server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(
                r ->
                    r.post("/api/users", (q, a) -> json(q, a, (u, body) -> register(body)))
                        .post("/api/auth/login", (q, a) -> json(q, a, (u, body) -> login(body)))
                        .post("/api/friend-requests", (q, a) -> json(q, a, this::request))
                        .post(
                            "/api/friend-requests/{id}/accept",
                            (q, a) -> json(q, a, (u, body) -> accept(q.param("id"))))
                        .get("/api/friends", (q, a) -> reply(a, friends(user(q))))
                        .get("/api/conversations", (q, a) -> reply(a, list(user(q))))
                        // No unread counts here: the fake pushes no unread frames either.
                        .get(
                            "/api/unread",
                            (q, a) -> reply(a, Map.of("total", 0, "conversations", List.of())))
                        .post("/api/groups", (q, a) -> json(q, a, this::group))
                        .get(
                            "/api/conversations/{id}/messages",
                            (q, a) -> reply(a, history(q.param("id"), q.uri())))
                        .ws("/ws", (in, out) -> socket(in.headers().get("Authorization"), in, out)))
            .bindNow();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  @Override
  public void close() {
    server.disposeNow();
  }

  private String user(HttpServerRequest request) {
    return tokens.get(request.requestHeaders().get("Authorization").substring(7));
  }

  private Mono<Void> json(
      HttpServerRequest request,
      HttpServerResponse response,
      java.util.function.BiFunction<String, JsonNode, Object> handler) {
    String user = request.requestHeaders().contains("Authorization") ? user(request) : null;
    return request
        .receive()
        .aggregate()
        .asString(StandardCharsets.UTF_8)
        .defaultIfEmpty("{}")
        .flatMap(text -> reply(response, handler.apply(user, ChatApi.JSON.readTree(text))));
  }

  private Mono<Void> reply(HttpServerResponse response, Object answer) {
    return response
        .header("Content-Type", "application/json")
        .sendString(Mono.just(ChatApi.JSON.writeValueAsString(answer)))
        .then();
  }

  private Object register(JsonNode body) {
    return Map.of("id", "u-" + body.get("username").asString());
  }

  private Object login(JsonNode body) {
    String user = "u-" + body.get("username").asString();
    String token = "t" + ids.incrementAndGet();
    tokens.put(token, user);
    return Map.of("userId", user, "accessToken", token, "deviceId", body.get("deviceId"));
  }

  private Object request(String from, JsonNode body) {
    String id = "r" + ids.incrementAndGet();
    requests.put(id, Map.of("from", from, "to", body.get("toUserId").asString()));
    return Map.of("id", id, "status", "pending");
  }

  private Object accept(String requestId) {
    Map<String, String> request = requests.get(requestId);
    String a = request.get("from");
    String b = request.get("to");
    String id = a.compareTo(b) < 0 ? "d:" + a + ":" + b : "d:" + b + ":" + a;
    conversations.putIfAbsent(id, new Conversation(id, List.of(a, b)));
    return Map.of("id", requestId, "status", "accepted");
  }

  private Object friends(String user) {
    List<Map<String, Object>> friends = new ArrayList<>();
    for (Conversation c : conversations.values()) {
      if (c.id.startsWith("d:") && c.members.contains(user)) {
        String other = c.members.get(0).equals(user) ? c.members.get(1) : c.members.get(0);
        friends.add(Map.of("userId", other, "conversationId", c.id));
      }
    }
    return friends;
  }

  private Object list(String user) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Conversation c : conversations.values()) {
      if (c.members.contains(user)) {
        synchronized (c) {
          list.add(Map.of("id", c.id, "lastSeq", c.messages.size()));
        }
      }
    }
    return Map.of("conversations", list, "syncToken", "x");
  }

  private Object group(String creator, JsonNode body) {
    List<String> members = new ArrayList<>();
    members.add(creator);
    body.get("memberIds").forEach(m -> members.add(m.asString()));
    Conversation group = new Conversation("g" + ids.incrementAndGet(), List.copyOf(members));
    group.messages.add(Map.of("seq", 1, "kind", "system"));
    conversations.put(group.id, group);
    return Map.of("id", group.id, "type", "group");
  }

  private Object history(String conversationId, String uri) {
    long after = Long.parseLong(uri.replaceAll(".*afterSeq=(\\d+).*", "$1"));
    Conversation c = conversations.get(conversationId);
    synchronized (c) {
      return Map.of(
          "messages", after < c.messages.size() ? List.of(c.messages.get((int) after)) : List.of());
    }
  }

  private Mono<Void> socket(
      String authorization,
      reactor.netty.http.websocket.WebsocketInbound in,
      reactor.netty.http.websocket.WebsocketOutbound out) {
    if (in.headers().contains("Origin")) {
      // Like the gateway with its default allow-list: a native client sends no Origin.
      return out.sendClose(4003, "origin_not_allowed");
    }
    String user = tokens.get(authorization.substring(7));
    Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
    sockets.put(user, sink);
    emit(sink, "{\"type\":\"welcome\",\"userId\":\"" + user + "\",\"heartbeatIntervalMs\":30000}");
    Mono<Void> reads =
        in.receive()
            .asString()
            .doOnNext(
                text -> {
                  JsonNode frame = ChatApi.JSON.readTree(text);
                  switch (frame.get("type").asString()) {
                    case "send" -> send(user, sink, frame);
                    case "ping" -> emit(sink, "{\"type\":\"pong\"}");
                    default -> {}
                  }
                })
            .then();
    return Mono.when(reads, out.sendString(sink.asFlux()).then());
  }

  private void send(String user, Sinks.Many<String> own, JsonNode frame) {
    Conversation c = conversations.get(frame.get("conversationId").asString());
    String clientMsgId = frame.get("id").asString();
    Map<String, Object> message;
    synchronized (c) {
      message = c.byClientMsgId.get(clientMsgId);
      boolean fresh = message == null;
      if (fresh) {
        message = new LinkedHashMap<>();
        message.put("type", "message");
        message.put("messageId", "m" + ids.incrementAndGet());
        message.put("conversationId", c.id);
        message.put("seq", c.messages.size() + 1);
        message.put("senderId", user);
        message.put("clientMsgId", clientMsgId);
        message.put("kind", "text");
        message.put("body", ChatApi.JSON.convertValue(frame.get("body"), Map.class));
        c.messages.add(message);
        c.byClientMsgId.put(clientMsgId, message);
        String push = ChatApi.JSON.writeValueAsString(message);
        long seq = ((Number) message.get("seq")).longValue();
        if (!dropPush.test(seq)) {
          for (String member : c.members) {
            Sinks.Many<String> socket = sockets.get(member);
            if (!member.equals(user) && socket != null) {
              emit(socket, push);
            }
          }
        }
      }
    }
    emit(
        own,
        ChatApi.JSON.writeValueAsString(
            Map.of(
                "type",
                "ack",
                "id",
                clientMsgId,
                "messageId",
                message.get("messageId"),
                "conversationId",
                c.id,
                "seq",
                message.get("seq"))));
  }

  private static void emit(Sinks.Many<String> sink, String frame) {
    synchronized (sink) {
      sink.tryEmitNext(frame);
    }
  }
}
