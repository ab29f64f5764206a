package com.parley.im.media.upload;

import com.parley.im.media.MediaProperties;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Streams the multipart field {@code file} of one request into a staged file while counting and
 * hashing it; never holds more than one network buffer of it (plus its first {@link
 * ContentSniffer#HEAD} bytes, for type detection). Refuses as soon as the bytes exceed the limit of
 * the type they turn out to be (413), and requests with more parts than configured or a second file
 * (400). Other parts (form fields) are read and dropped, within a small budget.
 */
final class MultipartReceiver {

  /** What arrived: the staged file, its size, hash, first bytes and the client's file name. */
  record Received(Path file, long size, String sha256, byte[] head, String name) {}

  static final long OTHER_PARTS_BUDGET = 64 * 1024;

  private final MediaProperties.Limits limits;
  private final ContentSniffer sniffer;
  private final MessageDigest sha256;
  private final ByteBuffer head = ByteBuffer.allocate(ContentSniffer.HEAD);
  private String category;
  private long size;
  private long otherBytes;
  private int parts;
  private boolean inPart;
  private boolean inFile;
  private boolean fileSeen;
  private String name;

  MultipartReceiver(MediaProperties.Limits limits, ContentSniffer sniffer) {
    this.limits = limits;
    this.sniffer = sniffer;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the file part of {@code events} to {@code target}; completes with what arrived. */
  Mono<Received> receive(Flux<PartEvent> events, Path target) {
    Flux<DataBuffer> bytes = events.concatMap(this::fileBytes).doOnNext(this::count);
    return DataBufferUtils.write(
            bytes, target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
        .then(Mono.fromCallable(() -> finish(target)));
  }

  /** The bytes of {@code event} if it belongs to the file part; other parts are dropped. */
  private Mono<DataBuffer> fileBytes(PartEvent event) {
    if (!inPart) {
      inPart = true;
      if (++parts > limits.maxParts()) {
        DataBufferUtils.release(event.content());
        return Mono.error(UploadErrors.tooManyParts(limits.maxParts()));
      }
      inFile = event instanceof FilePartEvent && "file".equals(event.name());
      if (inFile) {
        if (fileSeen) {
          DataBufferUtils.release(event.content());
          return Mono.error(UploadErrors.tooManyParts(limits.maxParts()));
        }
        fileSeen = true;
        name = FileNames.clean(((FilePartEvent) event).filename());
      }
    }
    if (event.isLast()) {
      inPart = false;
    }
    DataBuffer content = event.content();
    if (inFile) {
      return Mono.just(content);
    }
    otherBytes += content.readableByteCount();
    DataBufferUtils.release(content);
    return otherBytes > OTHER_PARTS_BUDGET
        ? Mono.error(UploadErrors.tooLarge("form field", OTHER_PARTS_BUDGET))
        : Mono.empty();
  }

  private void count(DataBuffer buffer) {
    size += buffer.readableByteCount();
    try (DataBuffer.ByteBufferIterator views = buffer.readableByteBuffers()) {
      while (views.hasNext()) {
        ByteBuffer view = views.next();
        if (head.hasRemaining()) {
          ByteBuffer slice = view.duplicate();
          slice.limit(slice.position() + Math.min(slice.remaining(), head.remaining()));
          head.put(slice);
        }
        sha256.update(view);
      }
    }
    if (category == null && !head.hasRemaining()) {
      category = ContentSniffer.category(sniffer.detect(head.array(), name));
    }
    long limit = category == null ? limits.largest() : limits.of(category);
    if (size > limit) {
      DataBufferUtils.release(buffer);
      throw UploadErrors.tooLarge(category == null ? "file" : category, limit);
    }
  }

  private Received finish(Path target) {
    if (!fileSeen) {
      throw UploadErrors.noFile();
    }
    if (size == 0) {
      throw UploadErrors.empty();
    }
    byte[] first = new byte[head.position()];
    head.get(0, first);
    return new Received(target, size, HexFormat.of().formatHex(sha256.digest()), first, name);
  }
}
