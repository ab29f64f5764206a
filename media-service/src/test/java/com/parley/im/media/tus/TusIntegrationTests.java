package com.parley.im.media.tus;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.media.IntegrationTestBase;
import com.parley.im.media.Samples;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** tus 1.0.0 at {@code /api/media/uploads}, with tus-java-client and by hand. */
class TusIntegrationTests extends IntegrationTestBase {

  @LocalServerPort int port;
  @Autowired ExpirySweeper sweeper;

  @Test
  void tusJavaClientUploadsInChunksAndTheUploadIdIsTheMediaId() throws Exception {
    User alice = user();
    byte[] bytes = Samples.random(1_500_000, 21);
    TusClient client = client(alice);
    TusUpload upload = upload(bytes, "big.bin");
    TusUploader uploader = client.createUpload(upload);
    uploader.setChunkSize(256 * 1024);
    while (uploader.uploadChunk() > -1) {
      // one chunk per PATCH
    }
    uploader.finish();
    String path = uploader.getUploadURL().getPath();
    String mediaId = path.substring(path.lastIndexOf('/') + 1);
    assertThat(download(alice, mediaId)).isEqualTo(bytes);
    assertThat(info(alice, mediaId)).containsEntry("size", bytes.length);
  }

  @Test
  void tusJavaClientResumesFromTheServersOffsetAfterAnInterruption() throws Exception {
    User alice = user();
    byte[] bytes = Samples.random(1_000_000, 22);
    TusURLMemoryStore urls = new TusURLMemoryStore();
    TusClient first = client(alice);
    first.enableResuming(urls);
    TusUploader interrupted = first.createUpload(upload(bytes, "r.bin"));
    interrupted.setChunkSize(300_000);
    interrupted.uploadChunk();
    interrupted.finish(); // the connection ends after the first chunk
    URL url = interrupted.getUploadURL();
    assertThat(offset(alice, url.getPath())).isEqualTo(300_000);

    TusClient second = client(alice);
    second.enableResuming(urls);
    TusUploader resumed = second.resumeUpload(upload(bytes, "r.bin"));
    assertThat(resumed.getOffset()).isEqualTo(300_000);
    resumed.setChunkSize(300_000);
    while (resumed.uploadChunk() > -1) {
      // the rest
    }
    resumed.finish();
    String id = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
    assertThat(download(alice, id)).isEqualTo(bytes);
  }

  @Test
  void onlyTheUploaderSeesOrTouchesAnUploadAndOffsetsMustMatch() {
    User alice = user();
    User mallory = user();
    byte[] bytes = Samples.random(1000, 23);
    String location = create(alice, bytes.length, "ZmlsZS5iaW4=");
    patch(alice, location, 0, Arrays.copyOf(bytes, 400))
        .expectStatus()
        .isNoContent()
        .expectHeader()
        .valueEquals("Upload-Offset", "400");

    tus(mallory, HttpMethod.HEAD, location).exchange().expectStatus().isNotFound();
    patch(mallory, location, 400, Arrays.copyOfRange(bytes, 400, 1000)).expectStatus().isNotFound();
    tus(mallory, HttpMethod.DELETE, location).exchange().expectStatus().isNotFound();

    patch(alice, location, 100, new byte[10])
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("offset_mismatch");
    patch(alice, location, 400, new byte[700]).expectStatus().isEqualTo(413);
    assertThat(offset(alice, location)).isEqualTo(400);
    patch(alice, location, 400, Arrays.copyOfRange(bytes, 400, 1000))
        .expectStatus()
        .isNoContent()
        .expectHeader()
        .valueEquals("Upload-Offset", "1000");
    String id = location.substring(location.lastIndexOf('/') + 1);
    assertThat(download(alice, id)).isEqualTo(bytes);
    assertThat(info(alice, id)).containsEntry("name", "file.bin");
    // A finished upload is no longer an upload.
    tus(alice, HttpMethod.HEAD, location).exchange().expectStatus().isNotFound();
  }

  @Test
  void terminationAndExpiryRemoveTheUploadAndItsBytes() throws Exception {
    User alice = user();
    String deleted = create(alice, 100, null);
    patch(alice, deleted, 0, new byte[50]).expectStatus().isNoContent();
    tus(alice, HttpMethod.DELETE, deleted).exchange().expectStatus().isNoContent();
    tus(alice, HttpMethod.HEAD, deleted).exchange().expectStatus().isNotFound();

    String abandoned = create(alice, 100, null);
    patch(alice, abandoned, 0, new byte[50]).expectStatus().isNoContent();
    String id = abandoned.substring(abandoned.lastIndexOf('/') + 1);
    assertThat(Files.exists(ROOT.resolve("staging").resolve(id + ".tus"))).isTrue();
    db.sql("update upload set expires_at = now() - interval '1 second' where upload_id = :id")
        .bind("id", id)
        .then()
        .block(WAIT);
    assertThat(sweeper.sweep().block(WAIT)).isPositive();
    tus(alice, HttpMethod.HEAD, abandoned).exchange().expectStatus().isNotFound();
    assertThat(Files.exists(ROOT.resolve("staging").resolve(id + ".tus"))).isFalse();
    assertThat(count("select count(*) from upload where upload_id = '" + id + "'")).isZero();
  }

  @Test
  void theProtocolsHeadersAndLimits() {
    User alice = user();
    http.options()
        .uri("/api/media/uploads")
        .headers(h -> h.setBearerAuth(alice.token()))
        .exchange()
        .expectStatus()
        .isNoContent()
        .expectHeader()
        .valueEquals("Tus-Resumable", "1.0.0")
        .expectHeader()
        .valueEquals("Tus-Version", "1.0.0")
        .expectHeader()
        .valueEquals("Tus-Extension", "creation,termination,expiration");
    http.post()
        .uri("/api/media/uploads")
        .headers(h -> h.setBearerAuth(alice.token()))
        .header("Upload-Length", "10")
        .exchange()
        .expectStatus()
        .isEqualTo(412);
    tus(alice, HttpMethod.POST, "/api/media/uploads")
        .header("Upload-Length", "99999999999")
        .exchange()
        .expectStatus()
        .isEqualTo(413);
    tus(alice, HttpMethod.POST, "/api/media/uploads")
        .header("Upload-Length", "0")
        .exchange()
        .expectStatus()
        .isBadRequest();
    tus(alice, HttpMethod.POST, "/api/media/uploads")
        .header("Upload-Length", "-5")
        .exchange()
        .expectStatus()
        .isBadRequest();
    String location = create(alice, 10, null);
    tus(alice, HttpMethod.PATCH, location)
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/octet-stream")
        .bodyValue(new byte[10])
        .exchange()
        .expectStatus()
        .isEqualTo(415);
  }

  @Test
  void theSameBytesAgainByTusKeepTheUploadsIdAsTheMediaId() {
    User alice = user();
    byte[] png = Samples.png(120, 80, 24);
    Object first = uploaded(alice, png, "a.png", "image/png").get("mediaId");
    String location = create(alice, png.length, null);
    patch(alice, location, 0, png).expectStatus().isNoContent();
    String id = location.substring(location.lastIndexOf('/') + 1);
    assertThat(id).isNotEqualTo(first);
    assertThat(download(alice, id)).isEqualTo(png);
    assertThat(info(alice, id)).containsEntry("mediaId", id).containsEntry("width", 120);
    assertThat(count("select count(*) from media where owner_id = '" + alice.id() + "'")).isOne();
  }

  private TusClient client(User user) throws Exception {
    TusClient client = new TusClient();
    client.setUploadCreationURL(new URL("http://127.0.0.1:" + port + "/api/media/uploads"));
    client.setHeaders(Map.of("Authorization", "Bearer " + user.token()));
    return client;
  }

  private static TusUpload upload(byte[] bytes, String name) {
    TusUpload upload = new TusUpload();
    upload.setInputStream(new ByteArrayInputStream(bytes));
    upload.setSize(bytes.length);
    upload.setFingerprint(name + "-" + Arrays.hashCode(bytes));
    upload.setMetadata(Map.of("filename", name));
    return upload;
  }

  private WebTestClient.RequestBodySpec tus(User user, HttpMethod method, String path) {
    return http.method(method)
        .uri(path)
        .headers(h -> h.setBearerAuth(user.token()))
        .header("Tus-Resumable", "1.0.0");
  }

  private String create(User user, long length, String metadata) {
    WebTestClient.RequestBodySpec spec =
        tus(user, HttpMethod.POST, "/api/media/uploads")
            .header("Upload-Length", Long.toString(length));
    if (metadata != null) {
      spec = spec.header("Upload-Metadata", "filename " + metadata);
    }
    return spec.exchange()
        .expectStatus()
        .isCreated()
        .expectHeader()
        .exists("Upload-Expires")
        .returnResult(Void.class)
        .getResponseHeaders()
        .getLocation()
        .toString();
  }

  private WebTestClient.ResponseSpec patch(User user, String location, long offset, byte[] body) {
    return tus(user, HttpMethod.PATCH, location)
        .header("Upload-Offset", Long.toString(offset))
        .header("Content-Type", "application/offset+octet-stream")
        .bodyValue(body)
        .exchange();
  }

  private long offset(User user, String location) {
    String offset =
        tus(user, HttpMethod.HEAD, location)
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .valueEquals("Cache-Control", "no-store")
            .returnResult(Void.class)
            .getResponseHeaders()
            .getFirst("Upload-Offset");
    return Long.parseLong(offset);
  }

  private byte[] download(User user, String id) {
    return http.get()
        .uri("/api/media/" + id)
        .headers(h -> h.setBearerAuth(user.token()))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .returnResult()
        .getResponseBody();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> info(User user, String id) {
    return http.get()
        .uri("/api/media/" + id + "/info")
        .headers(h -> h.setBearerAuth(user.token()))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }
}
