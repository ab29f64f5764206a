package com.parley.im.media.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The local folder where uploads are written while they arrive. Nothing here is ever served: a file
 * leaves it only by {@link BlobStore#commit}, once complete and checked.
 */
public class Staging {

  private static final Logger log = LoggerFactory.getLogger(Staging.class);

  private final Path folder;

  public Staging(Path folder) {
    this.folder = folder;
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the staging folder " + folder, e);
    }
  }

  public Path folder() {
    return folder;
  }

  /** A new empty file. */
  public Mono<Path> newFile() {
    return Mono.fromCallable(() -> Files.createTempFile(folder, "up-", ".part"))
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Deletes a staged file; never fails (a leftover is logged). */
  public Mono<Void> delete(Path file) {
    return Mono.<Void>fromRunnable(
            () -> {
              try {
                Files.deleteIfExists(file);
              } catch (IOException e) {
                log.warn("Could not delete the staged file {}: {}", file, e.toString());
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }
}
