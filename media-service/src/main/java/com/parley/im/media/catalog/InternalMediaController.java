package com.parley.im.media.catalog;

import com.parley.im.defaults.ApiException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /internal/media/{id}} for message-service's send check (ADR 0012): who uploaded the
 * item and what it is; 404 when there is no such item. Needs a service token (ADR 0007).
 */
@RestController
class InternalMediaController {

  /** What message-service needs to accept a media message. */
  record MediaOwner(
      String mediaId, String ownerId, String category, String contentType, long size) {}

  private final MediaStore store;

  InternalMediaController(MediaStore store) {
    this.store = store;
  }

  @GetMapping("/internal/media/{id}")
  Mono<MediaOwner> owner(@PathVariable String id) {
    return store
        .findById(id)
        .map(m -> new MediaOwner(m.mediaId(), m.ownerId(), m.category(), m.contentType(), m.size()))
        .switchIfEmpty(Mono.error(ApiException.notFound("not_found", "No such media.")));
  }
}
