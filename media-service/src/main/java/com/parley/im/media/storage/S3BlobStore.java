package com.parley.im.media.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link BlobStore} in an S3-compatible bucket, one object per key. A commit is one {@code
 * PutObject} of the complete staged file (S3 makes an object visible only once all of it is stored,
 * so a key that can be read always has all of its bytes), then the staged file is removed. Reads
 * are ranged {@code GetObject}s streamed in 64 KiB buffers.
 *
 * <p>The AWS client used is the blocking one, called on the bounded-elastic scheduler (never on an
 * event loop): its asynchronous client brings a Netty of its own next to Reactor Netty's, and a
 * store call is one request per upload or download, not per message. Cannot promise: objects over 5
 * GiB (a single {@code PutObject}; the largest upload allowed here is 200 MiB by default).
 */
public class S3BlobStore implements BlobStore {

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{3,128}");

  private final S3Client s3;
  private final String bucket;

  public S3BlobStore(S3Client s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  @Override
  public Mono<Void> commit(Path staged, String key) {
    return Mono.<Void>fromRunnable(
            () -> {
              s3.putObject(b -> b.bucket(bucket).key(checked(key)), RequestBody.fromFile(staged));
              try {
                Files.deleteIfExists(staged);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public Flux<DataBuffer> read(String key, long offset, long length) {
    if (length <= 0) {
      return Flux.empty();
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    return DataBufferUtils.readInputStream(
            () -> s3.getObject(b -> b.bucket(bucket).key(checked(key)).range(range)),
            DefaultDataBufferFactory.sharedInstance,
            LocalBlobStore.READ_BUFFER)
        .subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public Mono<Void> delete(String key) {
    return Mono.<Void>fromRunnable(() -> s3.deleteObject(b -> b.bucket(bucket).key(checked(key))))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private static String checked(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("Not a storage key: " + key);
    }
    return key;
  }
}
