package com.parley.im.media.access;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.parley.im.media.catalog.Media;
import java.time.Instant;

/**
 * The answer to an upload (docs/protocol.md, Media): {@code url} and {@code thumbnailUrl} are
 * signed, relative to the gateway, and valid until {@code urlExpiresAt}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MediaView(
    String mediaId,
    String contentType,
    long size,
    String sha256,
    Integer width,
    Integer height,
    Long durationMs,
    String name,
    String url,
    String thumbnailUrl,
    Instant urlExpiresAt,
    Instant createdAt) {

  public static MediaView of(Media media, UrlSigner signer) {
    String query = signer.query(media.mediaId());
    String base = "/api/media/" + media.mediaId();
    return new MediaView(
        media.mediaId(),
        media.contentType(),
        media.size(),
        media.sha256(),
        media.width(),
        media.height(),
        media.durationMs(),
        media.name(),
        base + "?" + query,
        media.thumbnailKey() == null ? null : base + "/thumbnail?" + query,
        signer.expiresAt(),
        media.createdAt());
  }
}
