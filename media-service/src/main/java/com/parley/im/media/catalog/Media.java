package com.parley.im.media.catalog;

import java.time.Instant;

/**
 * A stored media item, as its row in {@code media}.
 *
 * @param category {@code image}, {@code voice}, {@code video} or {@code file}: which limit applied
 * @param contentType detected from the bytes, never the client's claim
 * @param sha256 lowercase hex of the bytes
 * @param name the file name the client gave (sanitized), or null
 * @param thumbnailKey null when the item has no thumbnail
 */
public record Media(
    String mediaId,
    String ownerId,
    String category,
    String contentType,
    long size,
    String sha256,
    Integer width,
    Integer height,
    Long durationMs,
    String name,
    String storageKey,
    String thumbnailKey,
    String thumbnailType,
    Long thumbnailSize,
    Instant createdAt) {

  /** The same item under another id (an alias). */
  public Media withId(String id) {
    return new Media(
        id,
        ownerId,
        category,
        contentType,
        size,
        sha256,
        width,
        height,
        durationMs,
        name,
        storageKey,
        thumbnailKey,
        thumbnailType,
        thumbnailSize,
        createdAt);
  }

  /** The strong entity tag of the bytes (or of the thumbnail). */
  public String etag(boolean thumbnail) {
    return "\"" + sha256 + (thumbnail ? "-t" : "") + "\"";
  }
}
