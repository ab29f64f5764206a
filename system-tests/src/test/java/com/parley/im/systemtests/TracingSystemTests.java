package com.parley.im.systemtests;

import static com.parley.im.systemtests.ParleyClient.clientMsgId;
import static com.parley.im.systemtests.ParleyClient.openSocket;
import static com.parley.im.systemtests.WsConnection.textFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Session;
import com.parley.im.systemtests.TraceReceiver.ReceivedSpan;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * One trace per message (ADR 0028): a client that names its sampled W3C trace in the {@code send}
 * frame's {@code traceparent} finds the whole path of its message in that trace, across the HTTP
 * hop, the outbox and the broker, up to the recipient's push. The services export their spans over
 * OTLP/HTTP to the test JVM's {@link TraceReceiver}, which {@link RunningSystem} started before
 * {@code ./im up}.
 */
@ExtendWith(RunningSystem.class)
class TracingSystemTests {

  /** Time for the answer and the push on a busy 2-core machine. */
  private static final Duration PUSH = Duration.ofSeconds(30);

  /** The push, plus the exporters' batch delay (5 s by default), plus a margin. */
  private static final Duration EXPORTED = Duration.ofSeconds(45);

  private final ParleyClient client = new ParleyClient();

  @Test
  void aSendFramesTraceReachesTheRecipientsPushAcrossTheBroker() {
    TraceReceiver receiver = TraceReceiver.get();
    Session alice = client.newUser("traceA");
    Session bob = client.newUser("traceB");
    String conversationId = client.directConversationOfNewFriends(alice, bob);
    String traceId = randomHex(16);
    String clientSpanId = randomHex(8);

    try (WsConnection bobSocket = openSocket(bob);
        WsConnection aliceSocket = openSocket(alice)) {
      Map<String, Object> frame =
          new LinkedHashMap<>(textFrame(clientMsgId("traced"), conversationId, "follow me"));
      frame.put("traceparent", "00-" + traceId + "-" + clientSpanId + "-01");
      aliceSocket.send(frame);
      JsonNode ack = aliceSocket.awaitReply("ack", (String) frame.get("id"));
      long seq = ack.path("seq").asLong();
      bobSocket.awaitFrame(
          "the traced message",
          f ->
              "message".equals(f.path("type").asString())
                  && conversationId.equals(f.path("conversationId").asString())
                  && f.path("seq").asLong() == seq,
          PUSH);
    }

    Predicate<ReceivedSpan> bobsPush =
        span ->
            span.name().equals("push")
                && bob.account().id().equals(span.attributes().get("im.push.user"));
    List<ReceivedSpan> trace =
        await("the spans of trace " + traceId + " (send, message.store, outbox.publish, push)")
            .atMost(EXPORTED)
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> receiver.spans().stream().filter(s -> s.inOrLinkedTo(traceId)).toList(),
                spans ->
                    has(spans, "gateway-service", "send")
                        && has(spans, "message-service", "message.store")
                        && has(spans, "message-service", "outbox.publish")
                        && spans.stream().anyMatch(bobsPush));

    // The per-message spans are in the client's trace itself: the gateway's send is the child of
    // the client's span, the recipient's push (another gateway thread, after the broker) the child
    // of the send.
    ReceivedSpan send = only(trace, "gateway-service", "send");
    assertThat(send.traceId()).as("send span's trace id").isEqualTo(traceId);
    assertThat(send.parentSpanId()).as("send span's parent").isEqualTo(clientSpanId);
    ReceivedSpan push = trace.stream().filter(bobsPush).findFirst().orElseThrow();
    assertThat(push.service()).isEqualTo("gateway-service");
    assertThat(push.traceId())
        .as("push span's trace id (same trace as the send)")
        .isEqualTo(traceId);
    assertThat(push.parentSpanId()).as("push span's parent: the send").isEqualTo(send.spanId());
    // The batch spans (one transaction, one relay pass for many messages) are the child of the
    // first sampled message of their batch and link to the others: this message was sent alone,
    // so they are in its trace; had it shared a batch with another sampled message, they would
    // link to it instead, and this is the assertion that says so.
    for (String batchSpan : List.of("message.store", "outbox.publish")) {
      ReceivedSpan span = only(trace, "message-service", batchSpan);
      assertThat(span.traceId().equals(traceId) || span.linkedTraceIds().contains(traceId))
          .as("%s is in trace %s or links to it: %s", batchSpan, traceId, span)
          .isTrue();
    }
  }

  private static boolean has(List<ReceivedSpan> spans, String service, String name) {
    return spans.stream().anyMatch(s -> s.service().equals(service) && s.name().equals(name));
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, String service, String name) {
    List<ReceivedSpan> found =
        spans.stream().filter(s -> s.service().equals(service) && s.name().equals(name)).toList();
    assertThat(found).as("%s spans of %s in %s", name, service, spans).hasSize(1);
    return found.get(0);
  }

  private static String randomHex(int bytes) {
    byte[] id = new byte[bytes];
    new SecureRandom().nextBytes(id);
    id[0] |= 1; // never all zero
    return HexFormat.of().formatHex(id);
  }
}
