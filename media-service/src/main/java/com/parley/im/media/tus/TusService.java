package com.parley.im.media.tus;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.SecureIds;
import com.parley.im.media.MediaProperties;
import com.parley.im.media.catalog.Media;
import com.parley.im.media.storage.Staging;
import com.parley.im.media.upload.UploadService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Resumable uploads (tus 1.0.0: core, creation, termination, expiration). The bytes go to {@code
 * <staging>/<uploadId>.tus}; the row's offset counts what was written there, also when a PATCH
 * breaks off (the client resumes from it). When the last byte arrives the file is hashed and stored
 * like a multipart upload, as media item {@code uploadId}.
 *
 * <p>Promises: only the uploader sees or touches an upload (others get 404); one PATCH at a time
 * per upload (a second one is 409); a PATCH whose {@code Upload-Offset} is not the stored one is
 * 409 and writes nothing; more bytes than {@code Upload-Length} are refused; an upload untouched
 * for {@code im.media.tus.expire-after} is deleted with its bytes.
 */
@Service
public class TusService {

  private static final Logger log = LoggerFactory.getLogger(TusService.class);

  private final UploadSessions sessions;
  private final Staging staging;
  private final UploadService uploads;
  private final MediaProperties properties;
  private final SecureIds ids;

  TusService(
      UploadSessions sessions,
      Staging staging,
      UploadService uploads,
      MediaProperties properties,
      SecureIds ids) {
    this.sessions = sessions;
    this.staging = staging;
    this.uploads = uploads;
    this.properties = properties;
    this.ids = ids;
  }

  /** What a PATCH left: the new offset, and the media item once the upload is complete. */
  record Appended(UploadSession session, long offset, Media media) {}

  Mono<UploadSession> create(String ownerId, long length, String name) {
    if (length <= 0) {
      return Mono.error(ApiException.badRequest("empty_upload", "Upload-Length must be above 0."));
    }
    long largest = properties.limits().largest();
    if (length > largest) {
      return Mono.error(
          new ApiException(
              HttpStatus.CONTENT_TOO_LARGE,
              "too_large",
              "An upload may have at most " + largest + " bytes."));
    }
    UploadSession session = new UploadSession(ids.token(16), ownerId, length, 0, name, expiry());
    return uploads
        .takeUploadToken(ownerId)
        .then(sessions.create(session))
        .flatMap(
            created ->
                Mono.fromCallable(() -> Files.createFile(file(created.uploadId())))
                    .subscribeOn(Schedulers.boundedElastic())
                    .thenReturn(created));
  }

  Mono<UploadSession> find(String uploadId, String ownerId) {
    return sessions.find(uploadId, ownerId).switchIfEmpty(Mono.error(notFound()));
  }

  /**
   * Appends {@code body} at {@code offset}; see the class promises. A body whose declared {@code
   * contentLength} (-1: none, chunked) passes {@code Upload-Length} is refused before a byte is
   * written; an undeclared one that does keeps the bytes up to {@code Upload-Length}.
   */
  Mono<Appended> append(
      String uploadId, String ownerId, long offset, long contentLength, Flux<DataBuffer> body) {
    return sessions
        .claim(uploadId, ownerId)
        .switchIfEmpty(
            Mono.defer(
                () ->
                    sessions
                        .find(uploadId, ownerId)
                        .flatMap(
                            busy ->
                                Mono.<UploadSession>error(
                                    ApiException.conflict(
                                        "upload_busy", "Another PATCH is appending to it.")))
                        .switchIfEmpty(Mono.error(notFound()))))
        .flatMap(
            session -> {
              if (session.offset() != offset) {
                return sessions
                    .release(uploadId, session.offset(), session.expiresAt())
                    .then(
                        Mono.error(
                            ApiException.conflict(
                                "offset_mismatch",
                                "Upload-Offset is " + session.offset() + ", not " + offset)));
              }
              if (contentLength > session.length() - session.offset()) {
                return sessions
                    .release(uploadId, session.offset(), session.expiresAt())
                    .then(Mono.error(pastLength(session.length() - session.offset())));
              }
              return write(session, body);
            });
  }

  private Mono<Appended> write(UploadSession session, Flux<DataBuffer> body) {
    Path file = file(session.uploadId());
    long room = session.length() - session.offset();
    AtomicLong received = new AtomicLong();
    Flux<DataBuffer> bounded =
        body.doOnNext(
            buffer -> {
              if (received.addAndGet(buffer.readableByteCount()) > room) {
                DataBufferUtils.release(buffer);
                throw pastLength(room);
              }
            });
    return Mono.usingWhen(
        Mono.fromCallable(
                () -> {
                  AsynchronousFileChannel channel =
                      AsynchronousFileChannel.open(file, StandardOpenOption.WRITE);
                  channel.truncate(session.offset()); // bytes past the offset were never counted
                  return channel;
                })
            .subscribeOn(Schedulers.boundedElastic()),
        channel ->
            DataBufferUtils.write(bounded, channel, session.offset())
                .map(DataBufferUtils::release)
                .then(
                    Mono.fromCallable(() -> channel.size())
                        .subscribeOn(Schedulers.boundedElastic()))
                .flatMap(size -> settle(session, size)),
        channel -> close(channel),
        (channel, error) -> close(channel).then(release(session)),
        channel -> close(channel).then(release(session)));
  }

  /** After a complete PATCH: record the offset; when all bytes are there, store the item. */
  private Mono<Appended> settle(UploadSession session, long size) {
    long offset = Math.min(size, session.length());
    if (offset < session.length()) {
      return sessions
          .release(session.uploadId(), offset, expiry())
          .thenReturn(new Appended(session, offset, null));
    }
    Path file = file(session.uploadId());
    return hash(file)
        .flatMap(
            hashed ->
                uploads.store(
                    file,
                    session.length(),
                    hashed.sha256(),
                    hashed.head(),
                    session.name(),
                    session.ownerId(),
                    session.uploadId()))
        .flatMap(media -> finish(session).thenReturn(new Appended(session, offset, media)))
        .onErrorResume(ApiException.class, refused -> finish(session).then(Mono.error(refused)));
  }

  /** The upload is over (stored, or refused): its row and any staged bytes go. */
  private Mono<Void> finish(UploadSession session) {
    return sessions
        .delete(session.uploadId(), session.ownerId())
        .then(staging.delete(file(session.uploadId())));
  }

  /** After a broken PATCH: the offset is what reached the file. */
  private Mono<Void> release(UploadSession session) {
    return Mono.fromCallable(() -> Files.size(file(session.uploadId())))
        .subscribeOn(Schedulers.boundedElastic())
        .onErrorReturn(session.offset())
        .flatMap(
            size ->
                sessions.release(session.uploadId(), Math.min(size, session.length()), expiry()));
  }

  Mono<Void> terminate(String uploadId, String ownerId) {
    return sessions
        .delete(uploadId, ownerId)
        .flatMap(
            deleted -> deleted ? staging.delete(file(uploadId)) : Mono.<Void>error(notFound()));
  }

  /** Deletes expired uploads and their bytes; answers how many. */
  public Mono<Long> deleteExpired() {
    return sessions
        .deleteExpired()
        .concatMap(id -> staging.delete(file(id)).thenReturn(id))
        .count();
  }

  Instant expiry() {
    return Instant.now().plus(properties.tus().expireAfter());
  }

  private Path file(String uploadId) {
    return staging.folder().resolve(uploadId + ".tus");
  }

  private record Hashed(String sha256, byte[] head) {}

  private static Mono<Hashed> hash(Path file) {
    return Mono.fromCallable(
            () -> {
              MessageDigest digest = MessageDigest.getInstance("SHA-256");
              byte[] head;
              try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                head =
                    in.readNBytes(
                        org.apache.tika.mime.MimeTypes.getDefaultMimeTypes().getMinLength());
                in.transferTo(java.io.OutputStream.nullOutputStream());
              }
              return new Hashed(HexFormat.of().formatHex(digest.digest()), head);
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private static Mono<Void> close(AsynchronousFileChannel channel) {
    return Mono.<Void>fromRunnable(
            () -> {
              try {
                channel.close();
              } catch (IOException e) {
                log.debug("Closing an upload file failed: {}", e.toString());
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private static ApiException pastLength(long room) {
    return new ApiException(
        HttpStatus.CONTENT_TOO_LARGE,
        "too_large",
        "The body passes Upload-Length (" + room + " bytes are left).");
  }

  private static ApiException notFound() {
    return ApiException.notFound("not_found", "No such upload.");
  }
}
