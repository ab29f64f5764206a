package com.parley.im.testsupport;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class BlockHoundInstallerTests {

  @Test
  void blockingOnANonBlockingThreadFailsTheTest() {
    Mono<Long> sleepsOnParallel =
        Mono.delay(Duration.ofMillis(1), Schedulers.parallel())
            .doOnNext(
                tick -> {
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    StepVerifier.create(sleepsOnParallel)
        .expectError(BlockingOperationError.class)
        .verify(Duration.ofSeconds(5));
  }
}
