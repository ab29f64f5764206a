package com.parley.im.unread.count;

import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.protocol.Frames;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pushes {@code unread} frames {@code {conversationId, unread, total}} to every online device of a
 * user whose counts changed, through the routed delivery (ADR 0005). Changes are gathered over
 * {@code im.unread.push-window} (75 ms): a user's changes of one window become one frame per
 * changed conversation, with the counts read when the window closes (one Redis round trip for all
 * users of the window) and one {@link DeliveryPublisher#deliver} call. A burst of 50 messages
 * therefore gives a few frames with the latest counts, not 50; changes that arrive while a window
 * is being pushed wait for the next window, so a slow broker makes windows larger, not more.
 *
 * <p>Cannot promise: delivery (frames are transient; a device that missed one asks {@code GET
 * /api/unread}); windows are pushed one after the other, so a later frame carries newer counts.
 */
@Component
class UnreadPushes {

  private static final Logger log = LoggerFactory.getLogger(UnreadPushes.class);
  private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(10);

  private final Sinks.Many<Change> changes = Sinks.many().unicast().onBackpressureBuffer();
  private final DeliveryPublisher delivery;
  private final JsonMapper json;
  private final UnreadProperties properties;
  private Disposable pipeline;

  UnreadPushes(DeliveryPublisher delivery, JsonMapper json, UnreadProperties properties) {
    this.delivery = delivery;
    this.json = json;
    this.properties = properties;
  }

  /** Starts the pipeline; {@code counts} reads the counts of a window's users. */
  synchronized void countWith(Function<Collection<String>, Mono<Map<String, UserCounts>>> counts) {
    pipeline =
        changes
            .asFlux()
            .name("unread.pushes")
            // Fair backpressure: a window closes only when the push before it is done, so changes
            // that come while a push is out gather into the next window (coalesced) instead of
            // piling up as windows; without it, a window closing with no demand failed the whole
            // pipeline ("Could not emit buffer due to lack of requests") and frames stopped.
            .bufferTimeout(properties.pushMaxChanges(), properties.pushWindow(), true)
            // One window at a time (no prefetch): a window's frames leave before the next window's
            // counts are read, so a device never gets older counts after newer ones.
            .concatMap(window -> push(window, counts), 0)
            .subscribe();
  }

  /** These counts may have changed: push them with the next window. */
  synchronized void changed(Collection<Change> changed) {
    for (Change change : changed) {
      changes.emitNext(change, Sinks.EmitFailureHandler.FAIL_FAST);
    }
  }

  private Mono<Void> push(
      List<Change> window, Function<Collection<String>, Mono<Map<String, UserCounts>>> counts) {
    Map<String, Set<String>> byUser = new LinkedHashMap<>();
    for (Change c : window) {
      byUser.computeIfAbsent(c.userId(), u -> new LinkedHashSet<>()).add(c.conversationId());
    }
    return counts
        .apply(byUser.keySet())
        .flatMap(
            all -> {
              List<Delivery> deliveries = new ArrayList<>();
              byUser.forEach(
                  (user, conversations) -> {
                    UserCounts userCounts = all.get(user);
                    if (userCounts == null) {
                      return;
                    }
                    long total = userCounts.total();
                    for (String conversation : conversations) {
                      Frames.Unread frame =
                          new Frames.Unread(conversation, userCounts.unread(conversation), total);
                      deliveries.add(new Delivery(user, null, json.writeValueAsString(frame)));
                    }
                  });
              return delivery.deliver(deliveries);
            })
        .timeout(PUSH_TIMEOUT)
        .onErrorResume(
            e -> {
              // Transient frames: clients that miss one read GET /api/unread.
              log.warn("Pushing unread counts of {} users failed", byUser.size(), e);
              return Mono.empty();
            });
  }

  @PreDestroy
  synchronized void stop() {
    if (pipeline != null) {
      pipeline.dispose();
    }
  }
}
