package com.parley.im.testsupport;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
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
            // Parking a thread is what every blocking wait comes down to.
            .doOnNext(tick -> LockSupport.parkNanos(1_000));
    StepVerifier.create(sleepsOnParallel)
        .expectError(BlockingOperationError.class)
        .verify(Duration.ofSeconds(5));
  }
}
