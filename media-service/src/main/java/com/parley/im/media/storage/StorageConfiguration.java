package com.parley.im.media.storage;

import com.parley.im.media.MediaProperties;
import java.net.URI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** The blob store named by {@code im.media.storage.type}, and the staging folder. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

  @Bean
  Staging staging(MediaProperties properties) {
    return new Staging(properties.storage().staging());
  }

  @Bean
  BlobStore blobStore(MediaProperties properties) {
    MediaProperties.Storage storage = properties.storage();
    return switch (storage.type()) {
      case "local" -> new LocalBlobStore(storage.root());
      case "s3" -> new S3BlobStore(s3Client(storage.s3()), storage.s3().bucket());
      default ->
          throw new IllegalStateException(
              "im.media.storage.type must be local or s3, not " + storage.type());
    };
  }

  /**
   * The S3 client of {@code im.media.storage.s3}: credentials from the SDK's default chain
   * (environment {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, a web identity token in
   * Kubernetes, an instance profile), never from this service's configuration files.
   */
  static S3Client s3Client(MediaProperties.S3 s3) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(s3.region()))
            .httpClient(UrlConnectionHttpClient.create())
            .forcePathStyle(s3.pathStyle());
    if (!s3.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(s3.endpoint()));
    }
    return builder.build();
  }
}
