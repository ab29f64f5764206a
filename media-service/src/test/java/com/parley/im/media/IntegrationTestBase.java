package com.parley.im.media;

import com.parley.im.testsupport.EventTap;
import com.parley.im.testsupport.TestInfrastructure;
import com.parley.im.testsupport.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one Spring context of media-service's tests (every test class extends this): real PostgreSQL,
 * Redis and RabbitMQ from {@link TestInfrastructure}, tokens from {@link TestTokens}, the local
 * blob store in a fresh folder, and small size limits so that over-size uploads stay quick (image 2
 * MiB, voice 1 MiB, video and file 3 MiB).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "im.media.limits.image=2MB",
      "im.media.limits.voice=1MB",
      "im.media.limits.video=3MB",
      "im.media.limits.file=3MB",
      "im.media.limits.max-pixels=4000000",
      "im.media.limits.uploads-per-minute=1000",
      "spring.cloud.stream.bindings.grantMediaToConversation-in-0.consumer.back-off-initial-interval=50",
      "spring.cloud.stream.bindings.trackMembers-in-0.consumer.back-off-initial-interval=50"
    })
@AutoConfigureWebTestClient(timeout = "60s")
public abstract class IntegrationTestBase {

  protected static final Duration WAIT = Duration.ofSeconds(15);
  protected static final Path ROOT = root();

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestInfrastructure.get().registerAll(registry, "media");
    TestTokens.register(registry);
    registry.add("im.media.storage.root", ROOT::toString);
  }

  private static Path root() {
    try {
      return Files.createTempDirectory("parley-media-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Autowired protected WebTestClient http;
  @Autowired protected DatabaseClient db;
  @Autowired protected JsonMapper json;
  @Autowired protected ConnectionFactory rabbit;

  /** Downloads in tests are read whole: up to 64 MiB. */
  @org.junit.jupiter.api.BeforeEach
  void largeBodies() {
    http =
        http.mutate()
            .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024))
            .build();
  }

  /** A user id with a valid access token. */
  public record User(String id, String token) {}

  protected static User user() {
    String id = UUID.randomUUID().toString();
    return new User(id, TestTokens.accessToken(id, "phone"));
  }

  /** {@code POST /api/media} of {@code bytes} as the field {@code file} named {@code name}. */
  protected WebTestClient.ResponseSpec upload(User user, byte[] bytes, String name, String type) {
    MultipartBodyBuilder body = new MultipartBodyBuilder();
    body.part(
            "file",
            new ByteArrayResource(bytes) {
              @Override
              public String getFilename() {
                return name;
              }
            })
        .contentType(MediaType.parseMediaType(type));
    return http.post()
        .uri("/api/media")
        .headers(h -> h.setBearerAuth(user.token()))
        .body(BodyInserters.fromMultipartData(body.build()))
        .exchange();
  }

  /** An upload that must succeed: its JSON answer. */
  @SuppressWarnings("unchecked")
  protected Map<String, Object> uploaded(User user, byte[] bytes, String name, String type) {
    return upload(user, bytes, name, type)
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  /**
   * Publishes {@code event} to {@code destination}, as message-service would: a {@code
   * message-stored} event with a {@code mediaId} by the media routing key (ADR 0032).
   */
  protected void publish(String destination, Object event) {
    String routingKey =
        event instanceof com.parley.im.events.MessageStored stored && stored.mediaId() != null
            ? com.parley.im.events.MessageStored.MEDIA_ROUTING_KEY
            : destination;
    EventTap.publish(rabbit, json, destination, routingKey, event);
  }

  protected long count(String sql) {
    return db.sql(sql).map(row -> row.get(0, Long.class)).one().block(WAIT);
  }
}
