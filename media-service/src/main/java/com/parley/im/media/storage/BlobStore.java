package com.parley.im.media.storage;

import java.nio.file.Path;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where the bytes of media items live, by key. Uploads are received into a local staging file
 * first; {@link #commit} then makes the finished file readable under its key in one step, so a key
 * that can be read always has all of its bytes (nothing half-written is ever served).
 */
public interface BlobStore {

  /**
   * Makes the complete file {@code staged} readable as {@code key}; afterwards {@code staged} is
   * gone. Completes when the bytes are durable in the store.
   */
  Mono<Void> commit(Path staged, String key);

  /** {@code length} bytes of {@code key} from {@code offset}; errors if the key is unknown. */
  Flux<DataBuffer> read(String key, long offset, long length);

  /** Removes {@code key}; completes also when it was not there. */
  Mono<Void> delete(String key);
}
