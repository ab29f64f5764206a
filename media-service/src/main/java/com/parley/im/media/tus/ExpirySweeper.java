package com.parley.im.media.tus;

import com.parley.im.media.MediaProperties;
import com.parley.im.media.storage.Staging;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Every {@code im.media.tus.sweep-interval}: deletes resumable uploads untouched for {@code
 * expire-after} (tus expiration) with their bytes, and multipart staging files older than an hour
 * (left by a crash; a live multipart upload keeps writing its file, so its time stays fresh).
 */
@Component
class ExpirySweeper implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ExpirySweeper.class);
  static final Duration STALE_MULTIPART = Duration.ofHours(1);

  private final TusService tus;
  private final Staging staging;
  private final Duration interval;
  private Disposable running;

  ExpirySweeper(TusService tus, Staging staging, MediaProperties properties) {
    this.tus = tus;
    this.staging = staging;
    this.interval = properties.tus().sweepInterval();
  }

  /** One sweep; answers the number of expired uploads removed. */
  Mono<Long> sweep() {
    return tus.deleteExpired()
        .flatMap(
            n ->
                Mono.fromRunnable(this::deleteStaleStagedFiles)
                    .subscribeOn(Schedulers.boundedElastic())
                    .thenReturn(n));
  }

  private void deleteStaleStagedFiles() {
    Instant before = Instant.now().minus(STALE_MULTIPART);
    try (Stream<Path> files = Files.list(staging.folder())) {
      files
          .filter(f -> f.getFileName().toString().startsWith("up-"))
          .filter(
              f -> {
                try {
                  return Files.getLastModifiedTime(f).toInstant().isBefore(before);
                } catch (IOException e) {
                  return false;
                }
              })
          .forEach(
              f -> {
                try {
                  Files.deleteIfExists(f);
                } catch (IOException e) {
                  log.warn("Could not delete {}: {}", f, e.toString());
                }
              });
    } catch (IOException e) {
      log.warn("Could not list the staging folder: {}", e.toString());
    }
  }

  @Override
  public void start() {
    running =
        Flux.interval(interval, interval, Schedulers.parallel())
            .onBackpressureDrop()
            .concatMap(
                tick ->
                    sweep()
                        .doOnNext(
                            n -> {
                              if (n > 0) log.info("Removed {} expired uploads", n);
                            })
                        .onErrorResume(
                            e -> {
                              log.warn("Upload sweep failed: {}", e.toString());
                              return Mono.empty();
                            }))
            .name("media.upload-sweep")
            .subscribe();
  }

  @Override
  public void stop() {
    if (running != null) {
      running.dispose();
    }
  }

  @Override
  public boolean isRunning() {
    return running != null && !running.isDisposed();
  }
}
