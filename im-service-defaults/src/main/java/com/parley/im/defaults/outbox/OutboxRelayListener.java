package com.parley.im.defaults.outbox;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Sees each batch of rows the {@link OutboxRelay} is about to publish, in {@code id} order, before
 * they are published (ADR 0006: message-service pushes stored messages to devices from here, so a
 * message committed before a crash is still pushed after the restart). A batch that is retried is
 * seen again: work done here must tolerate repeats. A listener's error or timeout fails the pass:
 * the batch is relayed again (listener and broker) after the retry delay, up to {@value
 * OutboxRelay#LISTENER_ATTEMPTS} passes, then published without it.
 */
@FunctionalInterface
public interface OutboxRelayListener {

  /** Called once per relayed batch; the relay waits for the returned Mono (bound its time). */
  Mono<Void> relaying(List<OutboxMessage> batch);
}
