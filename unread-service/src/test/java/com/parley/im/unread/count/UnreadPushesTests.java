package com.parley.im.unread.count;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.events.DeliveryBatch.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The push pipeline on its own, with a slow stand-in for the routed delivery: a burst of changes
 * while a window is still being pushed must wait for the next window, not break the pipeline.
 * (Before the fix, {@code bufferTimeout} closed a window while {@code concatMap} was still busy
 * with the previous one, failed with "Could not emit buffer due to lack of requests", and no {@code
 * unread} frame left the service again until it restarted: seen under the load tool.)
 */
class UnreadPushesTests {

  private final Set<String> pushedUsers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger deliverCalls = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger overlapping = new AtomicInteger();
  private UnreadPushes pushes;

  /** Takes 20 ms per call, as a broker round trip under load might; records who got frames. */
  private final DeliveryPublisher slowDelivery =
      deliveries ->
          Mono.fromRunnable(
                  () -> {
                    if (inFlight.incrementAndGet() > 1) {
                      overlapping.incrementAndGet();
                    }
                    deliverCalls.incrementAndGet();
                  })
              .then(Mono.delay(Duration.ofMillis(20)))
              .doOnNext(
                  tick -> {
                    for (Delivery d : deliveries) {
                      pushedUsers.add(d.userId());
                    }
                    inFlight.decrementAndGet(); // before completing: the next call may follow
                  })
              .then();

  private static final Function<Collection<String>, Mono<Map<String, UserCounts>>> NO_COUNTS =
      users ->
          Mono.just(
              users.stream().collect(Collectors.toMap(u -> u, u -> new UserCounts(u, List.of()))));

  @AfterEach
  void stop() {
    pushes.stop();
  }

  @Test
  void aBurstLargerThanAWindowWhileAPushIsSlowIsPushedInLaterWindowsAndThePipelineLives() {
    pushes =
        new UnreadPushes(
            slowDelivery,
            JsonMapper.builder().build(),
            new UnreadProperties(Duration.ofMillis(2), 50));
    pushes.countWith(NO_COUNTS);

    List<Change> burst = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      burst.add(new Change("u" + i, "c" + (i % 7)));
    }
    for (int i = 0; i < burst.size(); i += 10) {
      pushes.changed(burst.subList(i, i + 10));
    }

    await("every user of the burst was pushed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> pushedUsers.size() == 5_000);
    // Then a trickle: a change every 3 ms, each closing its own 2 ms window while a 20 ms push is
    // still out, so windows wait for the pipeline (they used to pile up and overflow).
    Flux.interval(Duration.ofMillis(3))
        .take(400)
        .doOnNext(i -> pushes.changed(List.of(new Change("trickle" + i, "c1"))))
        .blockLast(Duration.ofSeconds(30));
    await("every change of the trickle is still pushed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> pushedUsers.containsAll(List.of("trickle0", "trickle199", "trickle399")));
    assertThat(overlapping.get()).as("windows are pushed one after the other").isZero();
    assertThat(deliverCalls.get())
        .as("windows of at most 50 changes, coalesced while a push is out: not one per change")
        .isBetween(100, 400);
  }
}
