package com.parley.im.media.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.events.ConversationChanged;
import com.parley.im.events.Destinations;
import com.parley.im.events.MessageStored;
import com.parley.im.media.IntegrationTestBase;
import com.parley.im.media.Samples;
import com.parley.im.testsupport.EventTap;
import com.parley.im.testsupport.TestInfrastructure;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/** {@code GET /api/media/{id}}: who may read, and how the bytes are served. */
class DownloadIntegrationTests extends IntegrationTestBase {

  @Autowired
  @Qualifier("dropCatchAllMessageStoredBinding")
  ApplicationListener<ApplicationReadyEvent> dropCatchAllMessageStoredBinding;

  @Test
  void theUploaderDownloadsWholeWithTheHeadersOfASafeDownload() {
    User alice = user();
    byte[] png = Samples.png(300, 200, 11);
    Map<String, Object> media = uploaded(alice, png, "cat.png", "image/png");
    EntityExchangeResult<byte[]> result = get(alice, "/api/media/" + media.get("mediaId"), null);
    assertThat(result.getStatus().value()).isEqualTo(200);
    assertThat(result.getResponseBody()).isEqualTo(png);
    HttpHeaders headers = result.getResponseHeaders();
    assertThat(headers.getETag()).isEqualTo("\"" + media.get("sha256") + "\"");
    assertThat(headers.getFirst("Content-Type")).isEqualTo("image/png");
    assertThat(headers.getContentLength()).isEqualTo(png.length);
    assertThat(headers.getCacheControl()).startsWith("private");
    assertThat(headers.getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(headers.getFirst("Content-Disposition")).isNull();
    assertThat(headers.getFirst("Accept-Ranges")).isEqualTo("bytes");

    http.get()
        .uri("/api/media/" + media.get("mediaId"))
        .headers(h -> h.setBearerAuth(alice.token()))
        .header("If-None-Match", headers.getETag())
        .exchange()
        .expectStatus()
        .isNotModified();

    EntityExchangeResult<byte[]> thumbnail =
        get(alice, "/api/media/" + media.get("mediaId") + "/thumbnail", null);
    assertThat(thumbnail.getStatus().value()).isEqualTo(200);
    assertThat(thumbnail.getResponseHeaders().getFirst("Content-Type")).isEqualTo("image/jpeg");
    assertThat(thumbnail.getResponseBody()).startsWith((byte) 0xFF, (byte) 0xD8);
  }

  @Test
  void rangesGive206AndUnsatisfiableOnes416() {
    User alice = user();
    byte[] bytes = Samples.random(1000, 12);
    String path =
        "/api/media/" + uploaded(alice, bytes, "r.bin", "application/octet-stream").get("mediaId");

    EntityExchangeResult<byte[]> middle = get(alice, path, "bytes=10-19");
    assertThat(middle.getStatus().value()).isEqualTo(206);
    assertThat(middle.getResponseBody()).isEqualTo(Arrays.copyOfRange(bytes, 10, 20));
    assertThat(middle.getResponseHeaders().getFirst("Content-Range")).isEqualTo("bytes 10-19/1000");
    assertThat(middle.getResponseHeaders().getContentLength()).isEqualTo(10);

    EntityExchangeResult<byte[]> tail = get(alice, path, "bytes=-5");
    assertThat(tail.getResponseBody()).isEqualTo(Arrays.copyOfRange(bytes, 995, 1000));
    EntityExchangeResult<byte[]> open = get(alice, path, "bytes=990-");
    assertThat(open.getResponseBody()).isEqualTo(Arrays.copyOfRange(bytes, 990, 1000));
    EntityExchangeResult<byte[]> past = get(alice, path, "bytes=990-5000");
    assertThat(past.getResponseHeaders().getFirst("Content-Range")).isEqualTo("bytes 990-999/1000");

    EntityExchangeResult<byte[]> beyond = get(alice, path, "bytes=1000-1001");
    assertThat(beyond.getStatus().value()).isEqualTo(416);
    assertThat(beyond.getResponseHeaders().getFirst("Content-Range")).isEqualTo("bytes */1000");

    // A malformed Range header is ignored (RFC 9110): the whole file.
    for (String malformed : List.of("bytes=abc", "bytes=20-10", "items=0-1", "bytes=")) {
      EntityExchangeResult<byte[]> whole = get(alice, path, malformed);
      assertThat(whole.getStatus().value()).as(malformed).isIn(200, 416);
      if (whole.getStatus().value() == 200) {
        assertThat(whole.getResponseBody()).as(malformed).isEqualTo(bytes);
      }
    }
  }

  @Test
  void strangersGet404AsForAnUnknownId() {
    User alice = user();
    String id =
        (String)
            uploaded(alice, Samples.random(50, 13), "s.bin", "application/octet-stream")
                .get("mediaId");
    assertThat(get(user(), "/api/media/" + id, null).getStatus().value()).isEqualTo(404);
    assertThat(get(user(), "/api/media/unknown-id", null).getStatus().value()).isEqualTo(404);
    assertThat(get(user(), "/api/media/" + id + "/thumbnail", null).getStatus().value())
        .isEqualTo(404);
    http.get().uri("/api/media/" + id).exchange().expectStatus().isUnauthorized();
  }

  @Test
  void aSignedUrlWorksWithoutATokenAndATamperedOneDoesNot() {
    User alice = user();
    byte[] png = Samples.png(64, 64, 14);
    Map<String, Object> media = uploaded(alice, png, "x.png", "image/png");
    String url = (String) media.get("url");
    byte[] body =
        http.get()
            .uri(url)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBody();
    assertThat(body).isEqualTo(png);
    http.get().uri((String) media.get("thumbnailUrl")).exchange().expectStatus().isOk();

    String sig = url.substring(url.indexOf("sig=") + 4);
    String exp = url.substring(url.indexOf("exp=") + 4, url.indexOf('&'));
    String id = (String) media.get("mediaId");
    String flipped = (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1);
    for (String tampered :
        List.of(
            "/api/media/" + id + "?exp=" + exp + "&sig=" + flipped,
            "/api/media/" + id + "?exp=" + (Long.parseLong(exp) + 1) + "&sig=" + sig,
            "/api/media/" + id + "?exp=1&sig=" + sig,
            "/api/media/" + id + "?sig=" + sig,
            "/api/media/" + id + "?exp=" + exp + "&sig=")) {
      http.get().uri(tampered).exchange().expectStatus().isNotFound();
    }
  }

  @Test
  void whatCouldRunInABrowserIsAnAttachment() {
    User alice = user();
    Map<String, Object> html = uploaded(alice, Samples.html(), "Überraschung 😀.png", "image/png");
    EntityExchangeResult<byte[]> result = get(alice, "/api/media/" + html.get("mediaId"), null);
    assertThat(result.getResponseHeaders().getFirst("Content-Type")).startsWith("text/html");
    assertThat(result.getResponseHeaders().getContentDisposition().isAttachment()).isTrue();
    assertThat(result.getResponseHeaders().getContentDisposition().getFilename())
        .isEqualTo("Überraschung 😀.png");
    Map<String, Object> svg = uploaded(alice, Samples.svgWithScript(), "a.svg", "image/svg+xml");
    assertThat(
            get(alice, "/api/media/" + svg.get("mediaId"), null)
                .getResponseHeaders()
                .getContentDisposition()
                .isAttachment())
        .isTrue();
  }

  @Test
  void onlyStoredMessagesRoutedByTheMediaKeyReachMediaServiceEvenAfterAnOldCatchAllBinding() {
    // A queue declared by an earlier version is also bound with '#'; start-up removes it.
    String exchange = TestInfrastructure.get().brokerPrefix() + Destinations.MESSAGE_STORED;
    new RabbitAdmin(rabbit)
        .declareBinding(
            new Binding(
                exchange + ".media-service", Binding.DestinationType.QUEUE, exchange, "#", null));
    dropCatchAllMessageStoredBinding.onApplicationEvent(null);

    User alice = user();
    User bob = user();
    String unrouted = uploadedId(alice, 16);
    String routed = uploadedId(alice, 17);
    assertThat(unrouted).isNotEqualTo(routed);
    String conversation = "g-" + UUID.randomUUID();
    publish(Destinations.CONVERSATION_CHANGED, changed(conversation, Instant.now(), alice, bob));
    // Routed by the destination, as a message without media is: not for media-service.
    EventTap.publish(
        rabbit,
        json,
        Destinations.MESSAGE_STORED,
        Destinations.MESSAGE_STORED,
        sent(conversation, alice, unrouted));
    publish(Destinations.MESSAGE_STORED, sent(conversation, alice, routed));

    await()
        .atMost(WAIT)
        .until(() -> get(bob, "/api/media/" + routed, null).getStatus().value() == 200);
    assertThat(get(bob, "/api/media/" + unrouted, null).getStatus().value()).isEqualTo(404);
  }

  private String uploadedId(User owner, int seed) {
    return (String)
        uploaded(owner, Samples.random(64, seed), "m.bin", "application/octet-stream")
            .get("mediaId");
  }

  @Test
  void membersOfAConversationWhereItWasSentMayReadItUntilTheyLeave() {
    User alice = user();
    User bob = user();
    User carol = user();
    String id =
        (String)
            uploaded(alice, Samples.random(64, 15), "m.bin", "application/octet-stream")
                .get("mediaId");
    String conversation = "g-" + UUID.randomUUID();
    Instant t0 = Instant.now();
    publish(Destinations.CONVERSATION_CHANGED, changed(conversation, t0, alice, bob));
    publish(Destinations.MESSAGE_STORED, sent(conversation, alice, id));
    await().atMost(WAIT).until(() -> get(bob, "/api/media/" + id, null).getStatus().value() == 200);
    assertThat(get(carol, "/api/media/" + id, null).getStatus().value()).isEqualTo(404);

    // Bob leaves; an older member list arriving late does not bring him back.
    publish(
        Destinations.CONVERSATION_CHANGED, changed(conversation, t0.plusSeconds(2), alice, carol));
    await()
        .atMost(WAIT)
        .until(() -> get(carol, "/api/media/" + id, null).getStatus().value() == 200);
    publish(
        Destinations.CONVERSATION_CHANGED, changed(conversation, t0.plusSeconds(1), alice, bob));
    String marker = "g-" + UUID.randomUUID();
    publish(Destinations.CONVERSATION_CHANGED, changed(marker, t0, alice, bob));
    await()
        .atMost(WAIT)
        .until(
            () ->
                count("select count(*) from conversation where conversation_id = '" + marker + "'")
                    == 1);
    assertThat(get(bob, "/api/media/" + id, null).getStatus().value()).isEqualTo(404);
  }

  private static ConversationChanged changed(String conversation, Instant at, User... members) {
    return new ConversationChanged(
        UUID.randomUUID().toString(),
        at,
        conversation,
        "group",
        "members_added",
        "g",
        Arrays.stream(members).map(User::id).toList(),
        List.of(),
        List.of(),
        1);
  }

  private static MessageStored sent(String conversation, User sender, String mediaId) {
    Instant now = Instant.now();
    return new MessageStored(
        UUID.randomUUID().toString(),
        now,
        UUID.randomUUID().toString(),
        conversation,
        2,
        sender.id(),
        "phone",
        UUID.randomUUID().toString(),
        "file",
        now,
        mediaId);
  }

  private EntityExchangeResult<byte[]> get(User user, String path, String range) {
    return http.get()
        .uri(path)
        .headers(
            h -> {
              h.setBearerAuth(user.token());
              if (range != null) {
                h.set("Range", range);
              }
            })
        .exchange()
        .expectBody()
        .returnResult();
  }
}
