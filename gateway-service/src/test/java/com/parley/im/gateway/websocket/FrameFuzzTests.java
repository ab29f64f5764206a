package com.parley.im.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.parley.im.gateway.message.ClientFramePublisher;
import com.parley.im.gateway.message.MessageSendClient;
import com.parley.im.gateway.message.SendTracing;
import com.parley.im.gateway.session.ClientSession;
import com.parley.im.gateway.session.FrameEncoder;
import com.parley.im.gateway.session.TestSessions;
import com.parley.im.protocol.InternalSend;
import com.parley.im.protocol.InternalSendResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzing the socket's frame parsing and field checks (issue 8, item 6) with Jazzer: the {@link
 * FrameDispatcher} with every real frame handler, fed arbitrary text and arbitrary frames built
 * from the fuzzer's bytes (each type, with fields of every JSON kind). Whatever arrives, the
 * dispatch completes at once and the socket gets what docs/protocol.md promises: an answer of a
 * documented kind ({@code pong}, {@code ack} or {@code error} with a documented code) or nothing
 * for the fire-and-forget frames, never {@code internal_error} (an unexpected exception, which
 * would be a bug in a check), and never two answers.
 *
 * <p>Runs as a fuzzer for a bounded time when {@code JAZZER_FUZZ=1} (set for this module's tests in
 * its pom), otherwise on the inputs under {@code src/test/resources/.../FrameFuzzTestsInputs}. The
 * collaborators behind the handlers (the broker publisher and the send client) are stubs: this is a
 * test of the parsing and checks, not of delivery.
 */
class FrameFuzzTests {

  private static final JsonMapper JSON = new JsonMapper();
  private static final Set<String> DOCUMENTED =
      Set.of("malformed_json", "unknown_type", "validation_failed", "rate_limited");
  private static final List<String> TYPES =
      List.of("ping", "send", "recv", "read", "typing", "signal", "nonsense", "");
  private static final List<String> FIELDS =
      List.of(
          "id",
          "type",
          "conversationId",
          "seq",
          "kind",
          "body",
          "toUserId",
          "callId",
          "payload",
          "text");

  private final FrameDispatcher dispatcher;

  FrameFuzzTests() {
    ClientFramePublisher publisher = mock(ClientFramePublisher.class);
    MessageSendClient sends = mock(MessageSendClient.class);
    when(sends.send(any()))
        .thenAnswer(
            call -> {
              InternalSend send = call.getArgument(0);
              return Mono.just(
                  new InternalSendResult(
                      "ok", "m-1", send.conversationId(), 1L, Instant.EPOCH, null, null, null));
            });
    FrameEncoder frames = new FrameEncoder(JSON);
    dispatcher =
        new FrameDispatcher(
            List.of(
                new PingFrameHandler(frames),
                new SendFrameHandler(sends, frames, SendTracing.untraced()),
                new RecvFrameHandler(publisher),
                new ReadFrameHandler(publisher),
                new TypingFrameHandler(publisher),
                new SignalFrameHandler(publisher)),
            JSON,
            frames);
  }

  @FuzzTest(maxDuration = "20s")
  void anyFrameGetsADocumentedAnswerOrNone(FuzzedDataProvider data) {
    String text = data.consumeBoolean() ? data.consumeRemainingAsString() : frame(data);
    List<String> written = new CopyOnWriteArrayList<>();
    ClientSession session = TestSessions.writingSession(written, 16);

    dispatcher.dispatch(session, text).block(Duration.ofSeconds(1));

    assertThat(written).as("answers to %s", text).hasSizeLessThanOrEqualTo(1);
    for (String answer : written) {
      JsonNode frame = JSON.readTree(answer);
      String type = frame.path("type").asString();
      assertThat(type).as("answer to %s: %s", text, answer).isIn("pong", "ack", "error");
      if (type.equals("error")) {
        assertThat(frame.path("code").asString())
            .as("error code for %s: %s", text, answer)
            .isIn(DOCUMENTED);
      }
    }
  }

  /** A JSON object of fuzzed fields, mostly with a known type, so the handlers' checks run. */
  private static String frame(FuzzedDataProvider data) {
    var node = JSON.createObjectNode();
    node.put("type", TYPES.get(data.consumeInt(0, TYPES.size() - 1)));
    int fields = data.consumeInt(0, 6);
    for (int i = 0; i < fields; i++) {
      String field = FIELDS.get(data.consumeInt(0, FIELDS.size() - 1));
      switch (data.consumeInt(0, 6)) {
        case 0 -> node.put(field, data.consumeString(80));
        case 1 -> node.put(field, data.consumeLong());
        case 2 -> node.put(field, data.consumeDouble());
        case 3 -> node.put(field, data.consumeBoolean());
        case 4 -> node.putNull(field);
        case 5 -> node.putArray(field).add(data.consumeString(10));
        default -> node.putObject(field).put(data.consumeString(10), data.consumeString(40));
      }
    }
    return node.toString();
  }
}
