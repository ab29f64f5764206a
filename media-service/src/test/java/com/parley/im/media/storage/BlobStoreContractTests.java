package com.parley.im.media.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.media.MediaProperties;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Both stores that run here, held to the same contract: the folder ({@link LocalBlobStore}) and S3
 * ({@link S3BlobStore} against S3Mock, a real S3 API server started as a process of its own from
 * the jar the build downloads). A committed key reads back whole and by range, the staged file is
 * gone, a delete is idempotent and an unknown key fails the read.
 */
class BlobStoreContractTests {

  private static final String BUCKET = "parley-media";
  private static Process s3mock;
  private static String s3Endpoint;

  @TempDir static Path temp;

  @BeforeAll
  static void startS3Mock() throws IOException {
    Path jar = Path.of("target/s3mock/s3mock.jar");
    assertThat(jar).as("S3Mock's jar (copied by the build in generate-test-resources)").exists();
    int http = freePort();
    int https = freePort();
    Path log = temp.resolve("s3mock.log");
    s3mock =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "--http.port=" + http,
                "--server.port=" + https,
                "--server.address=127.0.0.1",
                "--com.adobe.testing.s3mock.store.root=" + temp.resolve("s3"),
                "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
                "--com.adobe.testing.s3mock.max-payload-size=64MB")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    s3Endpoint = "http://127.0.0.1:" + http;
    HttpClient probe = HttpClient.newHttpClient();
    Awaitility.await("S3Mock answers (its log: " + log + ")")
        .atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () -> {
              assertThat(s3mock.isAlive()).as("S3Mock is running").isTrue();
              return probe
                      .send(
                          HttpRequest.newBuilder(URI.create(s3Endpoint + "/")).build(),
                          HttpResponse.BodyHandlers.discarding())
                      .statusCode()
                  == 200;
            });
  }

  @AfterAll
  static void stopS3Mock() throws InterruptedException {
    if (s3mock != null) {
      s3mock.destroy();
      if (!s3mock.waitFor(10, TimeUnit.SECONDS)) {
        s3mock.destroyForcibly();
      }
    }
  }

  static Stream<BlobStore> stores() {
    S3Client client =
        S3Client.builder()
            .endpointOverride(URI.create(s3Endpoint))
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build();
    return Stream.of(new LocalBlobStore(temp.resolve("local")), new S3BlobStore(client, BUCKET));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aCommittedKeyReadsBackWholeAndByRangeAndTheStagedFileIsGone(BlobStore store)
      throws IOException {
    byte[] content = new byte[300_000]; // several read buffers
    new Random(7).nextBytes(content);
    Path staged = stage(content);
    String key = "k" + UUID.randomUUID().toString().replace("-", "");

    StepVerifier.create(store.commit(staged, key)).expectComplete().verify(Duration.ofSeconds(30));
    assertThat(staged).doesNotExist();

    assertThat(read(store, key, 0, content.length)).isEqualTo(content);
    assertThat(read(store, key, 70_000, 100_001))
        .isEqualTo(Arrays.copyOfRange(content, 70_000, 170_001));
    assertThat(read(store, key, content.length - 1, 1))
        .isEqualTo(new byte[] {content[content.length - 1]});
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aDeleteIsIdempotentAndAnUnknownKeyFailsTheRead(BlobStore store) throws IOException {
    String key = "k" + UUID.randomUUID().toString().replace("-", "");
    StepVerifier.create(store.commit(stage(new byte[] {1, 2, 3}), key))
        .expectComplete()
        .verify(Duration.ofSeconds(30));
    StepVerifier.create(store.delete(key)).expectComplete().verify(Duration.ofSeconds(30));
    StepVerifier.create(store.delete(key)).expectComplete().verify(Duration.ofSeconds(30));
    StepVerifier.create(store.read(key, 0, 3)).expectError().verify(Duration.ofSeconds(30));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aKeyThatIsNotAStorageKeyIsRefused(BlobStore store) {
    for (String bad : List.of("../etc/passwd", "a/b/c", "x", "")) {
      StepVerifier.create(store.read(bad, 0, 1)).expectError().verify(Duration.ofSeconds(30));
    }
  }

  @org.junit.jupiter.api.Test
  void theServiceBuildsItsS3ClientFromItsSettings() throws IOException {
    // The same client the service makes for im.media.storage.type=s3 (credentials from the
    // default chain: here the system properties the SDK reads).
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    S3Client client =
        StorageConfiguration.s3Client(
            new MediaProperties.S3(BUCKET, s3Endpoint, "us-east-1", true));
    BlobStore store = new S3BlobStore(client, BUCKET);
    String key = "k" + UUID.randomUUID().toString().replace("-", "");
    StepVerifier.create(store.commit(stage(new byte[] {9, 8, 7}), key))
        .expectComplete()
        .verify(Duration.ofSeconds(30));
    assertThat(read(store, key, 0, 3)).isEqualTo(new byte[] {9, 8, 7});
  }

  private static byte[] read(BlobStore store, String key, long offset, long length) {
    return DataBufferUtils.join(Flux.from(store.read(key, offset, length)))
        .map(
            buffer -> {
              byte[] bytes = new byte[buffer.readableByteCount()];
              buffer.read(bytes);
              DataBufferUtils.release(buffer);
              return bytes;
            })
        .block(Duration.ofSeconds(30));
  }

  private static Path stage(byte[] content) throws IOException {
    Path dir = Files.createDirectories(temp.resolve("staging"));
    Path file = Files.createTempFile(dir, "up", ".part");
    Files.write(file, content);
    return file;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
