package com.parley.im.message.send;

import reactor.core.publisher.Mono;

/**
 * Answers whether a {@code mediaId} names an upload that a user made (PROTOCOL.md: media kinds need
 * one). The production implementation asks media-service; unit tests use a double.
 */
public interface MediaCatalog {

  /**
   * Completes when {@code mediaId} is an upload of {@code userId}; otherwise errors with an {@code
   * ApiException}: 400 {@code media_not_found} (unknown, or someone else's), 503 {@code
   * service_unavailable} (media-service cannot answer now).
   */
  Mono<Void> requireUpload(String mediaId, String userId);
}
