package com.parley.im.media.storage;

import com.parley.im.media.MediaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
      default ->
          throw new IllegalStateException(
              "im.media.storage.type must be local or s3, not " + storage.type());
    };
  }
}
