package com.parley.im.media.upload;

import com.parley.im.defaults.SecureIds;
import com.parley.im.media.MediaProperties;
import com.parley.im.media.catalog.Media;
import com.parley.im.media.catalog.MediaStore;
import com.parley.im.media.storage.BlobStore;
import com.parley.im.media.storage.Staging;
import com.parley.im.media.upload.MultipartReceiver.Received;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Turns received bytes into a media item: type from the bytes, the limit of that type, an image's
 * size from its header (too many pixels: refused before any decoding), a thumbnail, a duration
 * where the container states one; then the bytes are committed to the blob store and the row
 * written.
 *
 * <p>Promises: an item is visible (row written) only after all of its bytes are committed; the same
 * bytes uploaded again by the same user answer the first item and are not stored twice (also when
 * both uploads race: the loser deletes its copy); a refused or broken upload leaves no staged file.
 */
@Service
public class UploadService {

  private final MediaProperties properties;
  private final ContentSniffer sniffer;
  private final Staging staging;
  private final BlobStore blobs;
  private final MediaStore store;
  private final SecureIds ids;
  private final UploadRateLimiter rateLimiter;

  UploadService(
      MediaProperties properties,
      ContentSniffer sniffer,
      Staging staging,
      BlobStore blobs,
      MediaStore store,
      SecureIds ids,
      UploadRateLimiter rateLimiter) {
    this.properties = properties;
    this.sniffer = sniffer;
    this.staging = staging;
    this.blobs = blobs;
    this.store = store;
    this.ids = ids;
    this.rateLimiter = rateLimiter;
  }

  /** A multipart upload ({@code POST /api/media}) by {@code ownerId}. */
  Mono<Media> upload(Flux<PartEvent> parts, String ownerId) {
    return rateLimiter
        .take(ownerId)
        .then(staging.newFile())
        .flatMap(
            file ->
                new MultipartReceiver(properties.limits(), sniffer)
                    .receive(parts, file)
                    .flatMap(received -> store(received, ownerId, ids.token(16), false))
                    .doFinally(signal -> staging.delete(file).subscribe()));
  }

  /** Counts an upload that starts by another way (tus creation) against the rate limit. */
  public Mono<Void> takeUploadToken(String ownerId) {
    return rateLimiter.take(ownerId);
  }

  /**
   * Stores a complete staged file (its hash and first bytes known) as item {@code mediaId} of
   * {@code ownerId}, keeping that id also when the owner had the same bytes already (it then
   * becomes an alias of that item); the staged file is moved, or left for the caller to delete.
   */
  public Mono<Media> store(
      Path file,
      long size,
      String sha256,
      byte[] head,
      String name,
      String ownerId,
      String mediaId) {
    return store(
        new Received(file, size, sha256, head, FileNames.clean(name)), ownerId, mediaId, true);
  }

  private Mono<Media> store(Received received, String ownerId, String mediaId, boolean keepId) {
    String contentType = sniffer.detect(received.head(), received.name());
    String category = ContentSniffer.category(contentType);
    long limit = properties.limits().of(category);
    if (received.size() > limit) {
      return Mono.error(UploadErrors.tooLarge(category, limit));
    }
    return store
        .findByOwnerAndHash(ownerId, received.sha256())
        .switchIfEmpty(
            Mono.defer(
                () ->
                    describe(received, contentType, category, ownerId, mediaId)
                        .flatMap(this::commit)))
        .flatMap(
            media ->
                keepId && !media.mediaId().equals(mediaId)
                    ? store.alias(mediaId, media.mediaId()).thenReturn(media.withId(mediaId))
                    : Mono.just(media));
  }

  /** The item's row as it will be, and its thumbnail's staged file (blocking work, elastic). */
  private Mono<Pending> describe(
      Received received, String contentType, String category, String ownerId, String mediaId) {
    return Mono.fromCallable(
            () -> {
              Integer width = null;
              Integer height = null;
              Long duration = null;
              MediaProbe.Thumbnail thumbnail = null;
              try {
                if (category.equals("image")) {
                  MediaProbe.Size size = MediaProbe.imageSize(received.file());
                  if (size != null) {
                    if (size.pixels() > properties.limits().maxPixels()) {
                      throw UploadErrors.tooManyPixels(
                          size.pixels(), properties.limits().maxPixels());
                    }
                    width = size.width();
                    height = size.height();
                    Path target =
                        received.file().resolveSibling(received.file().getFileName() + ".t");
                    thumbnail =
                        MediaProbe.thumbnail(
                            received.file(), size, properties.thumbnails().maxSide(), target);
                  }
                } else if (category.equals("voice") || category.equals("video")) {
                  duration = MediaProbe.durationMs(received.file(), contentType);
                }
              } catch (IOException e) {
                // Unreadable header: stored as it is, without size or thumbnail.
              }
              Media media =
                  new Media(
                      mediaId,
                      ownerId,
                      category,
                      contentType,
                      received.size(),
                      received.sha256(),
                      width,
                      height,
                      duration,
                      received.name(),
                      mediaId,
                      thumbnail == null ? null : mediaId + ".t",
                      thumbnail == null ? null : thumbnail.contentType(),
                      thumbnail == null ? null : thumbnail.size(),
                      null);
              return new Pending(
                  media, received.file(), thumbnail == null ? null : thumbnail.file());
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private record Pending(Media media, Path file, Path thumbnail) {}

  private Mono<Media> commit(Pending pending) {
    Media media = pending.media();
    Mono<Void> bytes = blobs.commit(pending.file(), media.storageKey());
    if (pending.thumbnail() != null) {
      bytes = bytes.then(blobs.commit(pending.thumbnail(), media.thumbnailKey()));
    }
    return bytes
        .then(store.insertOrExisting(media))
        .flatMap(
            stored ->
                stored.mediaId().equals(media.mediaId())
                    ? Mono.just(stored)
                    : deleteBlobs(media).thenReturn(stored))
        .onErrorResume(
            e -> !(e instanceof UncheckedIOException), e -> deleteBlobs(media).then(Mono.error(e)))
        .doFinally(
            signal -> {
              if (pending.thumbnail() != null) {
                staging.delete(pending.thumbnail()).subscribe();
              }
            });
  }

  private Mono<Void> deleteBlobs(Media media) {
    Mono<Void> delete = blobs.delete(media.storageKey());
    return media.thumbnailKey() == null ? delete : delete.then(blobs.delete(media.thumbnailKey()));
  }
}
