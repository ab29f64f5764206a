package com.parley.im.systemtests;

import static com.parley.im.systemtests.ParleyClient.clientMsgId;
import static com.parley.im.systemtests.ParleyClient.openSocket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Session;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Media end to end through the gateway (issue 10, docs/protocol.md "Media"): the type comes from
 * the bytes, downloads whole and by range, strangers get 404 until the media is sent in a
 * conversation they are in, signed URLs work without a token and fail when tampered with, and
 * image, voice, video and file messages reach the recipient, who can download them. (The tus
 * walk-through with tus-js-client is in sdk-typescript's system tests, {@code media.test.ts}.)
 */
@ExtendWith(RunningSystem.class)
class MediaSystemTests {

  private static final Duration ANSWER = Duration.ofSeconds(30);

  private final ParleyClient client = new ParleyClient();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void aPngNamedTxtIsAnImageDownloadableWholeByRangeAndBySignedUrlButNotByAStranger() {
    Session alice = client.newUser("mdA");
    Session stranger = client.newUser("mdS");
    byte[] png = png(97, 41);

    JsonNode media = upload(alice, "notes.txt", "text/plain", png);
    assertThat(media.path("contentType").asString()).isEqualTo("image/png");
    assertThat(media.path("size").asLong()).isEqualTo(png.length);
    assertThat(media.path("sha256").asString()).isEqualTo(sha256(png));
    assertThat(media.path("width").asInt()).isEqualTo(97);
    assertThat(media.path("height").asInt()).isEqualTo(41);
    String id = media.path("mediaId").asString();

    HttpResponse<byte[]> whole = download("/api/media/" + id, alice.accessToken(), null);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(whole.body()).isEqualTo(png);

    HttpResponse<byte[]> range = download("/api/media/" + id, alice.accessToken(), "bytes=8-23");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 8-23/" + png.length);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(png, 8, 24));
    assertThat(download("/api/media/" + id, alice.accessToken(), "bytes=99999-").statusCode())
        .isEqualTo(416);

    assertThat(download("/api/media/" + id, stranger.accessToken(), null).statusCode())
        .as("a stranger cannot tell the item exists")
        .isEqualTo(404);
    assertThat(download("/api/media/" + id, null, null).statusCode()).isEqualTo(401);

    String url = media.path("url").asString();
    HttpResponse<byte[]> signed = download(url, null, null);
    assertThat(signed.statusCode()).as("the signed URL without a token").isEqualTo(200);
    assertThat(signed.body()).isEqualTo(png);
    String thumbnail = media.path("thumbnailUrl").asString();
    assertThat(download(thumbnail, null, null).statusCode()).isEqualTo(200);

    for (String tampered : tamperedCopies(url, id, stranger)) {
      assertThat(download(tampered, null, null).statusCode())
          .as("tampered URL %s", tampered)
          .isIn(401, 403, 404);
    }
  }

  @Test
  void imageVoiceVideoAndFileMessagesReachTheRecipientWhoCanThenDownloadThem() {
    Session alice = client.newUser("mdA");
    Session bob = client.newUser("mdB");
    String direct = client.directConversationOfNewFriends(alice, bob);

    byte[] png = png(64, 48);
    byte[] wav = wav(1500);
    byte[] mp4 = mp4(2500);
    byte[] pdfish = randomFile(300_000);
    JsonNode image = upload(alice, "photo.png", "image/png", png);
    JsonNode voice = upload(alice, "voice.wav", "audio/wav", wav);
    JsonNode video = upload(alice, "clip.mp4", "video/mp4", mp4);
    JsonNode file = upload(alice, "report 📄.bin", "application/octet-stream", pdfish);
    assertThat(voice.path("durationMs").asLong()).isEqualTo(1500);
    assertThat(video.path("contentType").asString()).isEqualTo("video/mp4");
    assertThat(video.path("durationMs").asLong()).isEqualTo(2500);
    for (JsonNode item : List.of(image, voice, video, file)) {
      assertThat(
              download("/api/media/" + item.path("mediaId").asString(), bob.accessToken(), null)
                  .statusCode())
          .as("bob before anything was sent to him: %s", item)
          .isEqualTo(404);
    }

    Map<String, Map<String, Object>> bodies = new LinkedHashMap<>();
    bodies.put(
        "image", Map.of("mediaId", id(image), "width", 64, "height", 48)); // as the upload said
    bodies.put("voice", Map.of("mediaId", id(voice), "durationMs", 1500));
    bodies.put("video", Map.of("mediaId", id(video), "durationMs", 2500));
    bodies.put("file", Map.of("mediaId", id(file), "name", "report 📄.bin", "size", pdfish.length));
    Map<String, byte[]> bytes = Map.of("image", png, "voice", wav, "video", mp4, "file", pdfish);

    try (WsConnection bobSocket = openSocket(bob)) {
      for (Map.Entry<String, Map<String, Object>> kind : bodies.entrySet()) {
        client
            .postMessage(alice, direct, clientMsgId("md"), kind.getKey(), kind.getValue())
            .expectStatus(201);
      }
      for (Map.Entry<String, Map<String, Object>> kind : bodies.entrySet()) {
        JsonNode pushed =
            bobSocket.awaitFrame(
                "bob gets the " + kind.getKey() + " message",
                f ->
                    "message".equals(f.path("type").asString())
                        && kind.getKey().equals(f.path("kind").asString()),
                ANSWER);
        String mediaId = pushed.path("body").path("mediaId").asString();
        assertThat(mediaId).isEqualTo(kind.getValue().get("mediaId"));
        // Access comes from the message-stored event (through the broker): eventually, not at once.
        byte[] expected = bytes.get(kind.getKey());
        await("bob can download the " + kind.getKey())
            .atMost(ANSWER)
            .until(
                () ->
                    download("/api/media/" + mediaId, bob.accessToken(), null).statusCode() == 200);
        assertThat(download("/api/media/" + mediaId, bob.accessToken(), null).body())
            .isEqualTo(expected);
      }
    }
    Session stranger = client.newUser("mdS");
    assertThat(download("/api/media/" + id(video), stranger.accessToken(), null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aMessageNamingMediaOfSomeoneElseIsRefused() {
    Session alice = client.newUser("mdA");
    Session bob = client.newUser("mdB");
    String direct = client.directConversationOfNewFriends(alice, bob);
    JsonNode bobs = upload(bob, "his.png", "image/png", png(10, 10));
    client
        .postMessage(
            alice,
            direct,
            clientMsgId("md"),
            "image",
            Map.of("mediaId", id(bobs), "width", 10, "height", 10))
        .expectProblem(400, "media_not_found");
    client
        .postMessage(
            alice,
            direct,
            clientMsgId("md"),
            "image",
            Map.of("mediaId", "no-such-media", "width", 10, "height", 10))
        .expectProblem(400, "media_not_found");
  }

  // ----------------------------------------------------------------------------------------------

  private static String id(JsonNode media) {
    return media.path("mediaId").asString();
  }

  /** The signed URL with its signature, expiry or id changed, each by one character. */
  private List<String> tamperedCopies(String url, String id, Session stranger) {
    String query = url.substring(url.indexOf('?') + 1);
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      params.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    String sig = params.get("sig");
    String exp = params.get("exp");
    String flipped = (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1);
    String otherId = id(upload(stranger, "other.png", "image/png", png(5, 5)));
    return List.of(
        "/api/media/" + id + "?exp=" + exp + "&sig=" + flipped,
        "/api/media/" + id + "?exp=" + (Long.parseLong(exp) + 3600) + "&sig=" + sig,
        "/api/media/" + otherId + "?exp=" + exp + "&sig=" + sig,
        "/api/media/" + id + "?exp=" + exp);
  }

  private JsonNode upload(Session session, String name, String claimedType, byte[] content) {
    String boundary = "parley-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + name
                + "\"\r\nContent-Type: "
                + claimedType
                + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(client.baseUrl() + "/api/media"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + session.accessToken())
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build();
    HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("upload %s: %s", name, response.body()).isEqualTo(201);
    return ParleyClient.JSON.readTree(response.body());
  }

  private HttpResponse<byte[]> download(String path, String token, String range) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(client.baseUrl() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    if (range != null) {
      builder.header("Range", range);
    }
    return exchange(builder.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ----------------------------------------------------------------------------------------------
  // files of known content

  private static byte[] png(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(width * 31L + height);
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        image.setRGB(x, y, new Color(random.nextInt(256), 90, 160).getRGB());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A mono 8 kHz 16-bit WAV of {@code millis} ms of silence. */
  private static byte[] wav(int millis) {
    AudioFormat format = new AudioFormat(8000f, 16, 1, true, false);
    int frames = 8 * millis;
    try (AudioInputStream in =
        new AudioInputStream(new ByteArrayInputStream(new byte[frames * 2]), format, frames)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The smallest MP4 a player would name: {@code ftyp} and a {@code moov/mvhd} of the duration. */
  private static byte[] mp4(int millis) {
    ByteBuffer ftyp = ByteBuffer.allocate(24);
    ftyp.putInt(24).put(ascii("ftyp")).put(ascii("isom")).putInt(0x200);
    ftyp.put(ascii("isom")).put(ascii("mp42"));
    ByteBuffer mvhd = ByteBuffer.allocate(108);
    mvhd.putInt(108).put(ascii("mvhd")).putInt(0); // version 0, no flags
    mvhd.putInt(0).putInt(0); // creation, modification
    mvhd.putInt(1000).putInt(millis); // timescale (per second), duration
    mvhd.putInt(0x00010000).putShort((short) 0x0100); // rate 1.0, volume 1.0
    ByteBuffer moov = ByteBuffer.allocate(8 + 108);
    moov.putInt(8 + 108).put(ascii("moov")).put(mvhd.array());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ftyp.array());
    out.writeBytes(moov.array());
    out.writeBytes(new byte[] {0, 0, 0, 8, 'f', 'r', 'e', 'e'});
    return out.toByteArray();
  }

  private static byte[] randomFile(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
