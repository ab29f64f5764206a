package com.parley.im.defaults.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageTracing} on the OpenTelemetry SDK (parent-based sampling that records nothing on
 * its own, as a service's sampler with probability 0 would), spans kept by an in-memory exporter.
 */
class MessageTracingTests {

  private static final String TRACE_A = "0af7651916cd43dd8448eb211c80319c";
  private static final String TRACE_B = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String A = "00-" + TRACE_A + "-b7ad6b7169203331-01";
  private static final String B = "00-" + TRACE_B + "-00f067aa0ba902b7-01";
  private static final String UNSAMPLED = "00-" + TRACE_B + "-00f067aa0ba902b7-00";

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder()
          .setSampler(Sampler.parentBased(Sampler.alwaysOff()))
          .addSpanProcessor(SimpleSpanProcessor.create(exported))
          .build();
  private final MessageTracing tracing =
      new MessageTracing(
          new OtelTracer(provider.get("test"), new OtelCurrentTraceContext(), event -> {}));

  @AfterEach
  void close() {
    provider.close();
  }

  @Test
  void onlyWellFormedSampledContextsCount() {
    assertThat(MessageTracing.isSampled(A)).isTrue();
    assertThat(MessageTracing.isSampled("00-" + TRACE_A + "-b7ad6b7169203331-03")).isTrue();
    for (String invalid :
        Arrays.asList(
            null,
            "",
            UNSAMPLED,
            A.toUpperCase(),
            "01-" + TRACE_A + "-b7ad6b7169203331-01",
            "00-" + "0".repeat(32) + "-b7ad6b7169203331-01",
            "00-" + TRACE_A + "-" + "0".repeat(16) + "-01",
            "00-" + TRACE_A + "-b7ad6b7169203331-01-extra",
            "00_" + TRACE_A + "-b7ad6b7169203331-01")) {
      assertThat(MessageTracing.isSampled(invalid)).as("%s", invalid).isFalse();
    }
  }

  @Test
  void aMessagesSpanIsTheChildOfItsContextAndCarriesItOn() {
    Span span = tracing.startChild("push", A);
    String carried = MessageTracing.traceparentOf(span);
    span.end();

    SpanData push = only(exported.getFinishedSpanItems());
    assertThat(push.getName()).isEqualTo("push");
    assertThat(push.getTraceId()).isEqualTo(TRACE_A);
    assertThat(push.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(carried).isEqualTo("00-" + TRACE_A + "-" + push.getSpanId() + "-01");
  }

  @Test
  void anUnsampledMessageCreatesNoSpan() {
    assertThat(tracing.startChild("push", UNSAMPLED)).isNull();
    assertThat(tracing.startChild("push", null)).isNull();
    assertThat(tracing.startBatch("outbox.publish", Arrays.asList(null, UNSAMPLED))).isNull();
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aBatchOfOneSampledMessageIsItsChildWithoutLinks() {
    tracing.startBatch("message.store", Arrays.asList(null, A, UNSAMPLED)).end();

    SpanData store = only(exported.getFinishedSpanItems());
    assertThat(store.getTraceId()).isEqualTo(TRACE_A);
    assertThat(store.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(store.getLinks()).isEmpty();
  }

  @Test
  void aBatchOfManySampledMessagesIsTheFirstOnesChildAndLinksTheOthers() {
    tracing.startBatch("outbox.publish", Arrays.asList(A, null, B)).end();

    SpanData publish = only(exported.getFinishedSpanItems());
    assertThat(publish.getTraceId()).isEqualTo(TRACE_A);
    assertThat(publish.getLinks())
        .extracting(LinkData::getSpanContext)
        .singleElement()
        .satisfies(
            linked -> {
              assertThat(linked.getTraceId()).isEqualTo(TRACE_B);
              assertThat(linked.getSpanId()).isEqualTo("00f067aa0ba902b7");
            });
  }

  private static SpanData only(List<SpanData> spans) {
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }
}
