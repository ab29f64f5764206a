package com.parley.im.gateway.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.defaults.tracing.MessageTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SendTracing}'s budget of client trace contexts (ADR 0028), with a sampler that samples no
 * trace of its own: a send joins the client's sampled trace while the second's budget lasts, and is
 * then traced like any other (here: not at all), counted as over budget.
 */
class SendTracingTests {

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String CLIENT = "00-" + TRACE + "-b7ad6b7169203331-01";

  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().setSampler(Sampler.parentBased(Sampler.alwaysOff())).build();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final SendTracing tracing =
      new SendTracing(
          new MessageTracing(
              new OtelTracer(provider.get("test"), new OtelCurrentTraceContext(), event -> {})),
          2,
          meters,
          now::get);

  @AfterEach
  void close() {
    provider.close();
  }

  @Test
  void aSecondsBudgetOfClientTracesIsHonouredAndTheRestIgnored() {
    assertJoinsTheClientsTrace(tracing.start(CLIENT));
    assertJoinsTheClientsTrace(tracing.start(CLIENT));

    assertThat(tracing.start(CLIENT)).as("third client trace in the same second").isNull();
    assertThat(meters.get("im.gateway.client-traces").counter().count()).isEqualTo(1);

    now.addAndGet(1_000_000_000L);
    assertJoinsTheClientsTrace(tracing.start(CLIENT));
  }

  @Test
  void unsampledMalformedOrAbsentClientContextsStartNoSpanOfTheirOwn() {
    assertThat(tracing.start("00-" + TRACE + "-b7ad6b7169203331-00")).isNull();
    assertThat(tracing.start("not a traceparent")).isNull();
    assertThat(tracing.start(null)).isNull();
    assertThat(meters.get("im.gateway.client-traces").counter().count()).isZero();
  }

  private static void assertJoinsTheClientsTrace(Span span) {
    assertThat(span).isNotNull();
    assertThat(span.context().traceId()).isEqualTo(TRACE);
    assertThat(span.context().parentId()).isEqualTo("b7ad6b7169203331");
    span.end();
  }
}
