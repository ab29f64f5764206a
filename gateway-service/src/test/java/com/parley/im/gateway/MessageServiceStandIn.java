package com.parley.im.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for message-service's internal send endpoint (the contract of ADR 0006 §1: {@code POST
 * /internal/messages/send {sends:[...]}} -> {@code {results:[...]}} in the same order), on a random
 * port of its own. It assigns gapless seqs per conversation, answers a resend of the same {@code
 * (userId, clientMsgId)} with the first result, records the order in which sends arrived and how
 * many requests carried them, counts a device found in two requests at once (the gateway promises
 * it never is, ADR 0031), and answers each request after {@value #LATENCY_MS} ms, like a
 * transaction would take (so that sends of several sockets pile up and batch).
 *
 * <p>Conversation ids steer it: {@code err-...} is refused {@code not_member}, {@code rl-...} is
 * refused {@code rate_limited} with {@code retryAfterMs} 250; a request with any send in a {@code
 * down-...} conversation loses its connection without an answer (a crashed service), one in a
 * {@code 503-...} conversation is answered 503, one in an {@code empty-...} conversation with an
 * empty 200, one in a {@code slow-...} conversation after 8 s.
 */
public final class MessageServiceStandIn {

  static final long LATENCY_MS = 15;

  /** Beyond the gateway's 5 s send timeout. */
  static final Duration SLOW = Duration.ofSeconds(8);

  private static final JsonMapper JSON = new JsonMapper();
  private static volatile MessageServiceStandIn instance;

  private final DisposableServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger unauthorized = new AtomicInteger();
  private final AtomicInteger overlaps = new AtomicInteger();
  private final Map<String, AtomicInteger> devicesInFlight = new ConcurrentHashMap<>();
  private final List<String> arrivals = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicLong> seqs = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> stored = new ConcurrentHashMap<>();

  private MessageServiceStandIn() {
    server = HttpServer.create().host("127.0.0.1").port(0).handle(this::answer).bindNow();
  }

  public static MessageServiceStandIn get() {
    if (instance == null) {
      synchronized (MessageServiceStandIn.class) {
        if (instance == null) {
          instance = new MessageServiceStandIn();
        }
      }
    }
    return instance;
  }

  public String uri() {
    return "http://127.0.0.1:" + server.port();
  }

  /** Requests received so far. */
  /** Requests refused for want of a valid service credential (none, from a correct gateway). */
  public int unauthorized() {
    return unauthorized.get();
  }

  public int requests() {
    return requests.get();
  }

  /** Times a request carried a device that another request under way carried too. */
  public int overlappingDevices() {
    return overlaps.get();
  }

  /** Sends received so far, as {@code conversationId/clientMsgId}, in arrival order. */
  public List<String> arrivals() {
    return List.copyOf(arrivals);
  }

  /** The sends of one conversation in arrival order, as client message ids. */
  public List<String> arrivalsIn(String conversationId) {
    List<String> ids = new ArrayList<>();
    for (String arrival : arrivals) {
      if (arrival.startsWith(conversationId + "/")) {
        ids.add(arrival.substring(conversationId.length() + 1));
      }
    }
    return ids;
  }

  private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
    if (!request.fullPath().equals("/internal/messages/send")) {
      return response.status(404).send();
    }
    if (!FakeServices.SERVICE_CREDENTIALS.accepts(FakeServices.serviceCredential(request))) {
      // Like message-service (ADR 0007): no send without the gateway's service credential.
      unauthorized.incrementAndGet();
      return response.status(401).send();
    }
    return request
        .receive()
        .aggregate()
        .asString(StandardCharsets.UTF_8)
        .flatMap(
            body -> {
              requests.incrementAndGet();
              JsonNode sends = JSON.readTree(body).get("sends");
              boolean down = false;
              boolean unavailable = false;
              boolean slow = false;
              boolean empty = false;
              for (JsonNode send : sends) {
                String conversation = send.get("conversationId").asString();
                down |= conversation.startsWith("down-");
                unavailable |= conversation.startsWith("503-");
                slow |= conversation.startsWith("slow-");
                empty |= conversation.startsWith("empty-");
              }
              if (empty) {
                return response.status(200).header("Content-Type", "application/json").send();
              }
              if (down) {
                return response.withConnection(Connection::dispose).then();
              }
              if (unavailable) {
                return response.status(503).send();
              }
              List<Map<String, Object>> results = new ArrayList<>();
              java.util.Set<String> devices = new java.util.HashSet<>();
              for (JsonNode send : sends) {
                results.add(store(send));
                devices.add(
                    send.path("userId").asString() + "/" + send.path("deviceId").asString());
              }
              for (String device : devices) {
                if (devicesInFlight
                        .computeIfAbsent(device, d -> new AtomicInteger())
                        .incrementAndGet()
                    > 1) {
                  overlaps.incrementAndGet();
                }
              }
              return Mono.delay(slow ? SLOW : Duration.ofMillis(LATENCY_MS))
                  .doFinally(
                      signal -> devices.forEach(d -> devicesInFlight.get(d).decrementAndGet()))
                  .then(
                      response
                          .status(200)
                          .header("Content-Type", "application/json")
                          .sendString(
                              Mono.just(JSON.writeValueAsString(Map.of("results", results))))
                          .then());
            });
  }

  private Map<String, Object> store(JsonNode send) {
    String conversation = send.get("conversationId").asString();
    String clientMsgId = send.get("clientMsgId").asString();
    arrivals.add(conversation + "/" + clientMsgId);
    Map<String, Object> result = new LinkedHashMap<>();
    if (conversation.startsWith("err-")) {
      result.put("status", "error");
      result.put("code", "not_member");
      result.put("message", "You are not a member of this conversation.");
      return result;
    }
    if (conversation.startsWith("rl-")) {
      result.put("status", "error");
      result.put("code", "rate_limited");
      result.put("message", "Too many messages; slow down.");
      result.put("retryAfterMs", 250);
      return result;
    }
    if (send.get("userId") == null
        || send.get("deviceId") == null
        || !send.get("body").isObject()) {
      result.put("status", "error");
      result.put("code", "validation_failed");
      result.put("message", "userId, deviceId and body are required.");
      return result;
    }
    String key = send.get("userId").asString() + "/" + clientMsgId;
    return stored.computeIfAbsent(
        key,
        k -> {
          long seq = seqs.computeIfAbsent(conversation, c -> new AtomicLong()).incrementAndGet();
          result.put("status", "ok");
          result.put("messageId", "m-" + conversation + "-" + seq);
          result.put("conversationId", conversation);
          result.put("seq", seq);
          result.put("createdAt", Instant.now().toString());
          return result;
        });
  }
}
