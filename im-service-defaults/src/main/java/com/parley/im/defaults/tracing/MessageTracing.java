package com.parley.im.defaults.tracing;

import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import java.util.Collection;

/**
 * One trace per message across the batched hops of the message path (ADR 0028). A message carries
 * its W3C {@code traceparent} as data (in the internal send request, the outbox row, the AMQP
 * headers, each delivery) only when it is sampled; every hop that works on it alone starts a child
 * span of it, and a hop that works on a batch starts one span for the batch: the child of its first
 * sampled message, linked to the other sampled ones, so every sampled message's trace shows it (as
 * a span or as a link).
 *
 * <p>Cost: a message that is not sampled carries null and no span is created for it; a batch with
 * no sampled message creates nothing. Methods return null where they create nothing.
 */
public final class MessageTracing {

  /** Traces nothing (services without a tracer, tests). */
  public static final MessageTracing NOOP = new MessageTracing(Tracer.NOOP);

  private static final int LENGTH = 55; // 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>

  private final Tracer tracer;

  public MessageTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /** The tracer, for spans that are not about a message. */
  public Tracer tracer() {
    return tracer;
  }

  /** The traceparent of the current span when it is sampled (logs, outbox rows); else null. */
  public String currentTraceparent() {
    return traceparentOf(tracer.currentSpan());
  }

  /** The traceparent of the span when it is sampled; else null. */
  public static String traceparentOf(Span span) {
    if (span == null || span.isNoop()) {
      return null;
    }
    TraceContext context = span.context();
    return Boolean.TRUE.equals(context.sampled())
        ? "00-" + context.traceId() + "-" + context.spanId() + "-01"
        : null;
  }

  /**
   * A started span, the child of the message's context; null when the traceparent is null,
   * malformed or not sampled.
   */
  public Span startChild(String name, String traceparent) {
    TraceContext parent = sampledContext(traceparent);
    return parent == null ? null : tracer.spanBuilder().setParent(parent).name(name).start();
  }

  /**
   * A started span for one piece of work on many messages: the child of the first sampled one,
   * linked to every other sampled one (a batch of one is simply its child); null when none is
   * sampled.
   */
  public Span startBatch(String name, Collection<String> traceparents) {
    Span.Builder builder = null;
    for (String traceparent : traceparents) {
      TraceContext context = sampledContext(traceparent);
      if (context == null) {
        continue;
      }
      if (builder == null) {
        builder = tracer.spanBuilder().setParent(context).name(name);
      } else {
        builder.addLink(new Link(context));
      }
    }
    return builder == null ? null : builder.tag("im.batch.size", traceparents.size()).start();
  }

  /**
   * Puts the span in scope on this thread (log lines carry its ids) until the returned scope is
   * closed; for null, a scope that does nothing.
   */
  public Tracer.SpanInScope inScope(Span span) {
    return span == null ? NO_SCOPE : tracer.withSpan(span);
  }

  private static final Tracer.SpanInScope NO_SCOPE = () -> {};

  /** Ends the span, if any. */
  public static void end(Span span) {
    if (span != null) {
      span.end();
    }
  }

  /** The context of a well-formed, sampled W3C traceparent (version 00); else null. */
  TraceContext sampledContext(String traceparent) {
    if (!isSampled(traceparent)) {
      return null;
    }
    return tracer
        .traceContextBuilder()
        .traceId(traceparent.substring(3, 35))
        .spanId(traceparent.substring(36, 52))
        .sampled(true)
        .build();
  }

  /**
   * Whether this is a well-formed W3C traceparent (version 00, lowercase hex, ids not all zero)
   * with the sampled flag set.
   */
  public static boolean isSampled(String traceparent) {
    if (traceparent == null
        || traceparent.length() != LENGTH
        || !traceparent.startsWith("00-")
        || traceparent.charAt(35) != '-'
        || traceparent.charAt(52) != '-') {
      return false;
    }
    return isHex(traceparent, 3, 35)
        && isHex(traceparent, 36, 52)
        && isHex(traceparent, 53, 55)
        && (Character.digit(traceparent.charAt(54), 16) & 1) == 1
        && !allZero(traceparent, 3, 35)
        && !allZero(traceparent, 36, 52);
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allZero(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
