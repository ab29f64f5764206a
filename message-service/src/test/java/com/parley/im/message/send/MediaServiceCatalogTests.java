package com.parley.im.message.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.defaults.ApiException;
import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4jBulkheadProvider;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** The media-service client against a real HTTP server on 127.0.0.1 standing in for it. */
class MediaServiceCatalogTests {

  private HttpServer server;
  private String uri;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/internal/media/",
        exchange -> {
          String id = exchange.getRequestURI().getPath().substring("/internal/media/".length());
          byte[] body;
          int status;
          switch (id) {
            case "mine" -> {
              status = 200;
              body =
                  "{\"mediaId\":\"mine\",\"ownerId\":\"alice\"}".getBytes(StandardCharsets.UTF_8);
            }
            case "broken" -> {
              status = 500;
              body = "{}".getBytes(StandardCharsets.UTF_8);
            }
            default -> {
              status = 404;
              body = "{\"code\":\"not_found\"}".getBytes(StandardCharsets.UTF_8);
            }
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    uri = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static MediaServiceCatalog catalog(String uri) {
    ReactiveResilience4JCircuitBreakerFactory factory =
        new ReactiveResilience4JCircuitBreakerFactory(
            CircuitBreakerRegistry.ofDefaults(),
            TimeLimiterRegistry.ofDefaults(),
            new ReactiveResilience4jBulkheadProvider(
                io.github.resilience4j.bulkhead.BulkheadRegistry.ofDefaults()),
            new Resilience4JConfigurationProperties());
    MediaServiceCatalog.configure(factory, Duration.ofSeconds(2));
    return new MediaServiceCatalog(WebClient.builder(), factory, uri, Duration.ofSeconds(2));
  }

  private static String code(Mono<Void> check) {
    try {
      check.block(Duration.ofSeconds(10));
      return "ok";
    } catch (ApiException e) {
      return e.code();
    }
  }

  @Test
  void theUploadersOwnMediaPasses() {
    assertThat(code(catalog(uri).requireUpload("mine", "alice"))).isEqualTo("ok");
  }

  @Test
  void someoneElsesOrUnknownMediaIsNotFound() {
    MediaServiceCatalog catalog = catalog(uri);
    assertThat(code(catalog.requireUpload("mine", "bob"))).isEqualTo("media_not_found");
    assertThat(code(catalog.requireUpload("unknown", "alice"))).isEqualTo("media_not_found");
  }

  @Test
  void aFailingOrUnreachableMediaServiceIsUnavailable() throws IOException {
    assertThat(code(catalog(uri).requireUpload("broken", "alice")))
        .isEqualTo("service_unavailable");
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    assertThat(code(catalog("http://127.0.0.1:" + closedPort).requireUpload("mine", "alice")))
        .isEqualTo("service_unavailable");
  }
}
