package com.parley.im.gateway;

import com.parley.im.defaults.serviceauth.ServiceTokenVerifier;
import com.parley.im.testsupport.TestServiceTokens;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stand-ins for the services behind the gateway, one small Reactor Netty server each on a random
 * port. Every one echoes what reached it ({@code service, method, path, headers}), except that a
 * path ending in {@code /slow} is answered after 8 s; the user-service stand-in also serves the JWK
 * set of {@link TestTokens} and redeems tickets once.
 */
public final class FakeServices {

  private static final JsonMapper JSON = new JsonMapper();

  /** The stand-ins check the gateway's service credential with the tests' service key. */
  static final ServiceTokenVerifier SERVICE_CREDENTIALS =
      ServiceTokenVerifier.of(TestServiceTokens.key());

  static String serviceCredential(HttpServerRequest request) {
    return request.requestHeaders().get("Authorization");
  }

  private static volatile FakeServices instance;

  private final Map<String, DisposableServer> servers = new LinkedHashMap<>();
  private final Map<String, TestTokens.Identity> tickets = new ConcurrentHashMap<>();

  private FakeServices() {
    for (String service : new String[] {"user", "relation", "message", "presence", "unread"}) {
      servers.put(service, start(service));
    }
  }

  public static FakeServices get() {
    if (instance == null) {
      synchronized (FakeServices.class) {
        if (instance == null) {
          instance = new FakeServices();
        }
      }
    }
    return instance;
  }

  public String uri(String service) {
    return "http://127.0.0.1:" + servers.get(service).port();
  }

  /** A ticket that user-service would have issued for this identity (single use). */
  public String issueTicket(TestTokens.Identity identity) {
    String ticket = "tk-" + UUID.randomUUID().toString().replace("-", "");
    tickets.put(ticket, identity);
    return ticket;
  }

  private DisposableServer start(String service) {
    return HttpServer.create()
        .host("127.0.0.1")
        .port(0)
        .handle((request, response) -> answer(service, request, response))
        .bindNow();
  }

  private Mono<Void> answer(
      String service, HttpServerRequest request, HttpServerResponse response) {
    String path = request.fullPath();
    if (service.equals("user") && path.equals("/api/auth/jwks")) {
      return json(response, 200, TestTokens.jwks());
    }
    if (path.startsWith("/internal/") && !SERVICE_CREDENTIALS.accepts(serviceCredential(request))) {
      // Like every service (ADR 0007): no internal call without the gateway's service credential.
      return json(response, 401, "{\"status\":401,\"code\":\"service_unauthorized\"}");
    }
    if (service.equals("user") && path.equals("/internal/ws-tickets/redeem")) {
      return request
          .receive()
          .aggregate()
          .asString(StandardCharsets.UTF_8)
          .defaultIfEmpty("{}")
          .flatMap(
              body -> {
                JsonNode ticket = JSON.readTree(body).get("ticket");
                TestTokens.Identity identity =
                    ticket == null ? null : tickets.remove(ticket.asString());
                if (identity == null) {
                  return json(
                      response,
                      404,
                      "{\"status\":404,\"code\":\"invalid_ticket\",\"detail\":\"unknown\"}");
                }
                return json(
                    response,
                    200,
                    JSON.writeValueAsString(
                        Map.of(
                            "userId", identity.userId(),
                            "deviceId", identity.deviceId(),
                            "sessionId", identity.sessionId())));
              });
    }
    if (path.endsWith("/stream-probe")) {
      // When the first byte of the body got here, and how many came: a gateway that held the
      // body whole before forwarding it shows as a first byte after the client's last.
      java.util.concurrent.atomic.AtomicLong first = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
      return request
          .receive()
          .doOnNext(
              b -> {
                first.compareAndSet(0, System.nanoTime());
                bytes.addAndGet(b.readableBytes());
              })
          .then(
              Mono.defer(
                  () ->
                      json(
                          response,
                          200,
                          "{\"firstByteNanos\":"
                              + first.get()
                              + ",\"bytes\":"
                              + bytes.get()
                              + "}")));
    }
    if (path.endsWith("/slow")) {
      // Answers after the gateway's time limit (5 s in the tests).
      return Mono.delay(java.time.Duration.ofSeconds(8)).then(json(response, 200, "{}"));
    }
    Map<String, Object> echo = new LinkedHashMap<>();
    echo.put("service", service);
    echo.put("method", request.method().name());
    echo.put("path", request.uri());
    Map<String, String> headers = new LinkedHashMap<>();
    request.requestHeaders().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
    echo.put("headers", headers);
    return request.receive().then(json(response, 200, JSON.writeValueAsString(echo)));
  }

  private static Mono<Void> json(HttpServerResponse response, int status, String body) {
    return response
        .status(status)
        .header("Content-Type", status >= 400 ? "application/problem+json" : "application/json")
        .sendString(Mono.just(body))
        .then();
  }
}
