package com.parley.im.systemtests;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * The in-memory span store of the system tests: an OTLP/HTTP trace receiver ({@code POST
 * /v1/traces}, protobuf {@code ExportTraceServiceRequest}) that {@link RunningSystem} starts in the
 * test JVM before {@code ./im up}, so every service exports its sampled spans here ({@code
 * IM_OTLP_TRACES_ENDPOINT}, ADR 0028). It listens on 127.0.0.1, port {@code IM_TEST_OTLP_PORT}
 * (default {@value #DEFAULT_PORT}), and keeps the last {@value #LIMIT} spans.
 */
final class TraceReceiver implements AutoCloseable {

  static final int DEFAULT_PORT = 14318;
  private static final int LIMIT = 200_000;

  /** One received span, ids in lowercase hex (as in a W3C traceparent). */
  record ReceivedSpan(
      String service,
      String name,
      String traceId,
      String spanId,
      String parentSpanId,
      List<String> linkedTraceIds,
      Map<String, String> attributes) {

    /** Whether this span is in the trace, or links to a span of it. */
    boolean inOrLinkedTo(String trace) {
      return traceId.equals(trace) || linkedTraceIds.contains(trace);
    }
  }

  private static TraceReceiver started;

  private final HttpServer server;
  private final ConcurrentLinkedDeque<ReceivedSpan> spans = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();

  private TraceReceiver(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    server.createContext("/v1/traces", this::export);
    server.start();
  }

  /** The receiver of this test JVM, started on first use. */
  static synchronized TraceReceiver get() {
    if (started == null) {
      try {
        started = new TraceReceiver(port());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen for spans on port " + port(), e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "trace-receiver-stop"));
    }
    return started;
  }

  static int port() {
    String value = System.getenv("IM_TEST_OTLP_PORT");
    return value == null || value.isBlank() ? DEFAULT_PORT : Integer.parseInt(value.trim());
  }

  /** What the services need to export here: the environment {@code ./im} passes through. */
  static Map<String, String> exportEnvironment() {
    return Map.of("IM_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:" + port() + "/v1/traces");
  }

  /** The spans received so far. */
  List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  /** How many spans arrived since start (at most {@value #LIMIT} are kept). */
  int received() {
    return size.get();
  }

  private void export(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      InputStream body = exchange.getRequestBody();
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        body = new GZIPInputStream(body);
      }
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
      for (ResourceSpans resource : request.getResourceSpansList()) {
        String service = attributes(resource.getResource().getAttributesList()).get("service.name");
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          for (Span span : scope.getSpansList()) {
            keep(received(service, span));
          }
        }
      }
      byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
    }
  }

  private void keep(ReceivedSpan span) {
    spans.addLast(span);
    if (size.incrementAndGet() > LIMIT) {
      spans.pollFirst();
    }
  }

  private static ReceivedSpan received(String service, Span span) {
    List<String> links = new ArrayList<>();
    for (Span.Link link : span.getLinksList()) {
      links.add(hex(link.getTraceId().toByteArray()));
    }
    return new ReceivedSpan(
        service,
        span.getName(),
        hex(span.getTraceId().toByteArray()),
        hex(span.getSpanId().toByteArray()),
        hex(span.getParentSpanId().toByteArray()),
        List.copyOf(links),
        attributes(span.getAttributesList()));
  }

  private static Map<String, String> attributes(List<KeyValue> values) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue value : values) {
      out.put(value.getKey(), text(value.getValue()));
    }
    return out;
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString();
    };
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
