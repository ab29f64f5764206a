package com.parley.im.media.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.media.IntegrationTestBase;
import com.parley.im.media.Samples;
import com.parley.im.testsupport.ArbitraryText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code POST /api/media}: types from bytes, limits, hashes, image sizes, thumbnails, dedup. */
class UploadIntegrationTests extends IntegrationTestBase {

  @Test
  void aPngNamedTxtWithATextTypeIsStoredAsThePngItIs() throws Exception {
    User alice = user();
    byte[] png = Samples.png(640, 480, 1);
    Map<String, Object> media = uploaded(alice, png, "notes.txt", "text/plain");
    assertThat(media)
        .containsEntry("contentType", "image/png")
        .containsEntry("size", png.length)
        .containsEntry("sha256", sha256(png))
        .containsEntry("width", 640)
        .containsEntry("height", 480)
        .containsEntry("name", "notes.txt");
    String id = (String) media.get("mediaId");
    assertThat((String) media.get("url")).startsWith("/api/media/" + id + "?exp=");
    assertThat((String) media.get("thumbnailUrl")).startsWith("/api/media/" + id + "/thumbnail?");
    assertThat(count("select count(*) from media where media_id = '" + id + "'")).isOne();
  }

  @Test
  void theSameBytesTwiceFromOneUserAreOneItemStoredOnce() throws IOException {
    User alice = user();
    User bob = user();
    byte[] png = Samples.png(100, 100, 2);
    Object first = uploaded(alice, png, "a.png", "image/png").get("mediaId");
    Object again = uploaded(alice, png, "b.png", "image/png").get("mediaId");
    Object bobs = uploaded(bob, png, "a.png", "image/png").get("mediaId");
    assertThat(again).isEqualTo(first);
    assertThat(bobs).isNotEqualTo(first);
    assertThat(count("select count(*) from media where sha256 = '" + sha256(png) + "'"))
        .isEqualTo(2);
    assertThat(blobFiles()).contains(first.toString(), bobs.toString());
    assertThat(staged()).isEmpty();
  }

  @Test
  void anEmptyFileIs400AndNoFileFieldIs400() {
    User alice = user();
    upload(alice, new byte[0], "empty.png", "image/png")
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("empty_upload");
    http.post()
        .uri("/api/media")
        .headers(h -> h.setBearerAuth(alice.token()))
        .body(
            org.springframework.web.reactive.function.BodyInserters.fromMultipartData(
                "other", "value"))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("validation_failed");
  }

  @Test
  void overTheLimitOfTheDetectedTypeIs413() throws IOException {
    User alice = user();
    // 2.5 MiB: under the file limit (3 MiB), over the voice limit (1 MiB) once it is a WAV.
    byte[] wav = Samples.wav(160_000);
    assertThat(wav.length).isGreaterThan(2 * 1024 * 1024);
    upload(alice, wav, "long.bin", "application/octet-stream")
        .expectStatus()
        .isEqualTo(413)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("too_large");
    upload(alice, Samples.random(3 * 1024 * 1024 + 1, 3), "big.bin", "application/octet-stream")
        .expectStatus()
        .isEqualTo(413);
    upload(alice, Samples.random(3 * 1024 * 1024, 3), "max.bin", "application/octet-stream")
        .expectStatus()
        .isCreated();
    assertThat(staged()).isEmpty();
  }

  @Test
  void aDecompressionBombIsRefusedFromItsHeader() throws IOException {
    User alice = user();
    byte[] bomb = Samples.bombPng(50_000, 50_000);
    assertThat(bomb.length).isLessThan(20_000);
    upload(alice, bomb, "small.png", "image/png")
        .expectStatus()
        .isEqualTo(413)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("image_too_large");
    assertThat(count("select count(*) from media where owner_id = '" + alice.id() + "'")).isZero();
    assertThat(staged()).isEmpty();
  }

  @Test
  void htmlOrSvgDisguisedAsAnImageIsAFileOfItsRealType() {
    User alice = user();
    Map<String, Object> html = uploaded(alice, Samples.html(), "cat.png", "image/png");
    assertThat(html.get("contentType")).isEqualTo("text/html");
    assertThat(html).doesNotContainKeys("width", "thumbnailUrl");
    Map<String, Object> svg = uploaded(alice, Samples.svgWithScript(), "cat.jpg", "image/jpeg");
    assertThat(svg.get("contentType")).isEqualTo("image/svg+xml");
    assertThat(svg).doesNotContainKeys("width", "thumbnailUrl");
  }

  @Test
  void voiceGetsTheDurationItsHeaderStates() {
    Map<String, Object> voice = uploaded(user(), Samples.wav(1500), "hi.wav", "audio/wav");
    assertThat((String) voice.get("contentType")).contains("wav");
    assertThat(voice.get("durationMs")).isEqualTo(1500);
  }

  @Test
  void tooManyPartsAre400() {
    org.springframework.http.client.MultipartBodyBuilder body =
        new org.springframework.http.client.MultipartBodyBuilder();
    for (int i = 0; i < 5; i++) {
      body.part("field" + i, "x");
    }
    body.part(
        "file",
        new org.springframework.core.io.ByteArrayResource(Samples.html()) {
          @Override
          public String getFilename() {
            return "x.html";
          }
        });
    http.post()
        .uri("/api/media")
        .headers(h -> h.setBearerAuth(user().token()))
        .body(
            org.springframework.web.reactive.function.BodyInserters.fromMultipartData(body.build()))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("too_many_parts");
  }

  @Test
  void arbitraryUnicodeFileNamesComeBackAsGivenOrCleaned() {
    User alice = user();
    ArbitraryText.forAll(
        20,
        random -> {
          // Well-formed text without control characters (which a header cannot carry); the
          // server keeps the last path segment of it, all else as given.
          String name = wellFormed(ArbitraryText.string(random, 40));
          Map<String, Object> media =
              uploaded(
                  alice,
                  nonEmpty(ArbitraryText.bytes(random, 200)),
                  name,
                  "application/octet-stream");
          Object stored = media.get("name");
          assertThat(stored == null ? null : stored.toString()).isEqualTo(FileNames.clean(name));
        });
  }

  /**
   * The bytes with one more in front: the names are under test here, and an empty file is a 400.
   */
  private static byte[] nonEmpty(byte[] bytes) {
    byte[] out = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, out, 1, bytes.length);
    return out;
  }

  private static String wellFormed(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .map(c -> Character.getType(c) == Character.SURROGATE ? 0xFFFD : c)
        .filter(c -> !Character.isISOControl(c))
        .forEach(out::appendCodePoint);
    return out.append(".bin").toString();
  }

  @Test
  void withoutATokenIs401() {
    http.post().uri("/api/media").exchange().expectStatus().isUnauthorized();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static java.util.List<String> blobFiles() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT.resolve("blobs"))) {
      return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
    }
  }

  /** Staged files of multipart uploads (resumable ones of other tests may be there too). */
  private static java.util.List<Path> staged() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("staging"))) {
      return files.filter(f -> f.getFileName().toString().startsWith("up-")).toList();
    }
  }
}
