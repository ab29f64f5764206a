package com.parley.im.message.relay;

import com.parley.im.events.ClientFrameReceived;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The consumer of the gateways' {@code client-frames} (group {@code message-service}, two listener
 * threads), in batches: the binder hands over up to {@code batch-size} frames at once, or fewer
 * when no further frame comes within {@code receive-timeout} (application.yml), so that the {@code
 * recv}s of a busy second cost a few statements instead of one each. Imperative, like the other
 * consumers: a database or broker failure is retried by the binder and then dead-lettered;
 * malformed frames are dropped by {@link ClientFrames} without retry. It blocks a listener thread
 * of the binder, never an event loop.
 */
@Configuration(proxyBeanMethods = false)
class ClientFrameConsumer {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Bean
  Consumer<List<ClientFrameReceived>> handleClientFrame(ClientFrames frames) {
    return events -> frames.handle(events).block(TIMEOUT);
  }
}
