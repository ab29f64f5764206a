package com.parley.im.gateway.message;

import com.parley.im.defaults.tracing.MessageTracing;
import com.parley.im.gateway.GatewayProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Starts the {@code send} span of a message, where its trace begins (ADR 0028). A client may name
 * its own sampled trace in the frame's {@code traceparent} (an SDK joining the server's trace to
 * its own); the span is then that context's child, for at most {@code
 * im.gateway.send.client-traces-per-second} sends a second on this instance, so a client cannot
 * make the server record every message. Otherwise (no, a malformed or an unsampled client context,
 * or the budget spent) the span starts a trace of its own and Boot's sampler decides ({@code
 * IM_TRACE_SAMPLING}). Never the child of the socket's upgrade request, which lasts as long as the
 * socket.
 *
 * <p>Counts the client contexts it ignored for the budget as {@code im.gateway.client-traces}
 * {@code outcome=over-budget}.
 */
@Component
public class SendTracing {

  private final MessageTracing tracing;
  private final int perSecond;
  // The second of the current budget window and the sends it let join a client's trace.
  private final AtomicLong window = new AtomicLong();
  private final AtomicLong joined = new AtomicLong();
  private final Counter overBudget;
  private final LongSupplier nanoTime;

  @Autowired
  SendTracing(
      MessageTracing tracing, GatewayProperties properties, ObjectProvider<MeterRegistry> meters) {
    this(
        tracing,
        properties.send().clientTracesPerSecond(),
        meters.getIfAvailable(SimpleMeterRegistry::new),
        System::nanoTime);
  }

  /**
   * @param nanoTime the clock of the budget's one-second windows
   */
  SendTracing(MessageTracing tracing, int perSecond, MeterRegistry meters, LongSupplier nanoTime) {
    this.tracing = tracing;
    this.perSecond = perSecond;
    this.nanoTime = nanoTime;
    this.overBudget =
        Counter.builder("im.gateway.client-traces")
            .description("Client trace contexts ignored because the per-second budget was spent")
            .tag("outcome", "over-budget")
            .register(meters);
  }

  /** Traces nothing (tests of other things). */
  public static SendTracing untraced() {
    return new SendTracing(MessageTracing.NOOP, 0, new SimpleMeterRegistry(), System::nanoTime);
  }

  /**
   * The started {@code send} span when the message is sampled, else null (nothing to end).
   *
   * @param clientTraceparent the frame's {@code traceparent}; null when it has none
   */
  public Span start(String clientTraceparent) {
    if (MessageTracing.isSampled(clientTraceparent)) {
      if (withinBudget()) {
        return tracing.startChild("send", clientTraceparent);
      }
      overBudget.increment();
    }
    Span span = tracing.tracer().spanBuilder().setNoParent().name("send").start();
    if (MessageTracing.traceparentOf(span) == null) {
      span.end(); // not sampled: a no-op span, nothing is recorded
      return null;
    }
    return span;
  }

  private boolean withinBudget() {
    long second = nanoTime.getAsLong() / 1_000_000_000L;
    long current = window.get();
    if (current != second && window.compareAndSet(current, second)) {
      joined.set(0);
    }
    return joined.incrementAndGet() <= perSecond;
  }
}
