package com.parley.im.media.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link BlobStore} in a folder: {@code <root>/blobs/<first two chars of key>/<key>}. A commit is
 * an atomic rename from the staging folder (same file system), after an {@code fsync} of the file.
 * File system calls run on the bounded-elastic scheduler, reads through asynchronous channels.
 */
public class LocalBlobStore implements BlobStore {

  static final int READ_BUFFER = 64 * 1024;
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{3,128}");

  private final Path blobs;

  public LocalBlobStore(Path root) {
    this.blobs = root.resolve("blobs");
    try {
      Files.createDirectories(blobs);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the media folder " + blobs, e);
    }
  }

  @Override
  public Mono<Void> commit(Path staged, String key) {
    return Mono.<Void>fromRunnable(
            () -> {
              Path target = path(key);
              try {
                Files.createDirectories(target.getParent());
                try (var channel =
                    java.nio.channels.FileChannel.open(staged, StandardOpenOption.WRITE)) {
                  channel.force(true);
                }
                try {
                  Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                  Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING);
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public Flux<DataBuffer> read(String key, long offset, long length) {
    Flux<DataBuffer> bytes =
        DataBufferUtils.readAsynchronousFileChannel(
            () -> AsynchronousFileChannel.open(path(key), StandardOpenOption.READ),
            offset,
            DefaultDataBufferFactory.sharedInstance,
            READ_BUFFER);
    return DataBufferUtils.takeUntilByteCount(bytes, length)
        .subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public Mono<Void> delete(String key) {
    return Mono.<Void>fromRunnable(
            () -> {
              try {
                Files.deleteIfExists(path(key));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  private Path path(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("Not a storage key: " + key);
    }
    return blobs.resolve(key.substring(0, 2)).resolve(key);
  }
}
