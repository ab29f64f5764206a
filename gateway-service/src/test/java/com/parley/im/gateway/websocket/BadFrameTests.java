package com.parley.im.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.RawWebSocket;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** Every bad frame gets its {@code error} frame and the socket stays usable. One socket for all. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadFrameTests extends GatewayIntegrationTest {

  private TestSocket socket;

  @BeforeAll
  void open() throws Exception {
    socket = connect(TestTokens.newIdentity());
    socket.next("welcome");
  }

  @AfterAll
  void close() {
    socket.close();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "this is not json                                             | malformed_json    |",
        "{\"type\":\"ping\"                                           | malformed_json    |",
        "[1,2,3]                                                      | malformed_json    |",
        "\"ping\"                                                     | malformed_json    |",
        "{\"id\":\"f1\"}                                              | unknown_type      | f1",
        "{\"type\":42,\"id\":\"f2\"}                                  | unknown_type      | f2",
        "{\"type\":\"dance\",\"id\":\"f3\"}                           | unknown_type      | f3",
        "{\"type\":\"ping\",\"id\":123}                               | validation_failed |",
        "{\"type\":\"send\",\"conversationId\":\"c\",\"kind\":\"text\",\"body\":{}} | validation_failed |",
        "{\"type\":\"send\",\"id\":\"f4\",\"kind\":\"text\",\"body\":{}}            | validation_failed | f4",
        "{\"type\":\"send\",\"id\":\"f5\",\"conversationId\":\"c\",\"body\":{}}     | validation_failed | f5",
        "{\"type\":\"send\",\"id\":\"f6\",\"conversationId\":\"c\",\"kind\":\"system\",\"body\":{}} | validation_failed | f6",
        "{\"type\":\"send\",\"id\":\"f7\",\"conversationId\":\"c\",\"kind\":\"text\"}              | validation_failed | f7",
        "{\"type\":\"send\",\"id\":\"f8\",\"conversationId\":\"c\",\"kind\":\"text\",\"body\":\"hi\"} | validation_failed | f8",
        "{\"type\":\"recv\",\"id\":\"f9\",\"seq\":1}                  | validation_failed | f9",
        "{\"type\":\"recv\",\"id\":\"f10\",\"conversationId\":\"c\",\"seq\":-1}   | validation_failed | f10",
        "{\"type\":\"read\",\"id\":\"f11\",\"conversationId\":\"c\",\"seq\":\"7\"} | validation_failed | f11",
        "{\"type\":\"read\",\"id\":\"f12\",\"conversationId\":\"c\",\"seq\":1.5}  | validation_failed | f12",
        "{\"type\":\"typing\",\"id\":\"f13\"}                         | validation_failed | f13",
        "{\"type\":\"signal\",\"id\":\"f14\",\"toUserId\":\"u\",\"callId\":\"k\"} | validation_failed | f14",
        "{\"type\":\"signal\",\"id\":\"f15\",\"callId\":\"k\",\"payload\":{}}    | validation_failed | f15",
        "{\"type\":\"signal\",\"id\":\"f16\",\"toUserId\":\"u\",\"callId\":\"k\",\"payload\":\"x\"} | validation_failed | f16",
        "{\"type\":\"signal\",\"id\":\"f17\",\"toUserId\":\"u\",\"callId\":\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\",\"payload\":{}} | validation_failed | f17",
        "{\"type\":\"send\",\"id\":\"f18\",\"conversationId\":\"c\",\"kind\":\"recall\",\"body\":{}} | validation_failed | f18",
      })
  void aBadFrameGetsItsErrorFrameAndTheSocketStaysUsable(String frame, String code, String id)
      throws Exception {
    socket.send(frame.strip());
    JsonNode error = socket.next();
    assertThat(error.path("type").asString()).isEqualTo("error");
    assertThat(error.path("code").asString()).isEqualTo(code);
    assertThat(error.path("message").asString()).isNotBlank();
    if (id == null) {
      assertThat(error.has("id")).isFalse();
    } else {
      assertThat(error.path("id").asString()).isEqualTo(id);
    }
    assertStillUsable();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"type\":\"recv\",\"id\":\"n2\",\"conversationId\":\"c\",\"seq\":3}",
        "{\"type\":\"read\",\"id\":\"n3\",\"conversationId\":\"c\",\"seq\":0}",
        "{\"type\":\"typing\",\"id\":\"n4\",\"conversationId\":\"c\"}",
        "{\"type\":\"signal\",\"id\":\"n5\",\"toUserId\":\"u\",\"callId\":\"k\",\"payload\":{\"sdp\":\"x\"}}",
      })
  void aValidRecvReadTypingOrSignalFrameIsAnsweredWithNothing(String frame) throws Exception {
    socket.send(frame.strip());
    assertStillUsable(); // the next frame is the pong
  }

  @Test
  void aValidSendIsAcked() throws Exception {
    socket.send(
        "{\"type\":\"send\",\"id\":\"n1\",\"conversationId\":\"c-"
            + UUID.randomUUID()
            + "\",\"kind\":\"text\",\"body\":{\"text\":\"hi\"}}");
    JsonNode ack = socket.next();
    assertThat(ack.path("type").asString()).isEqualTo("ack");
    assertThat(ack.path("id").asString()).isEqualTo("n1");
    assertThat(ack.path("seq").asLong()).isEqualTo(1);
    assertStillUsable();
  }

  @Test
  void aFrameOver64KibIsRefusedWithAnErrorFrameAndTheSocketStays() throws Exception {
    socket.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(100 * 1024) + "\"}");
    JsonNode error = socket.next();
    assertThat(error.path("code").asString()).isEqualTo("frame_too_large");
    assertStillUsable();
  }

  @Test
  void aFrameJustUnder64KibIsAccepted() throws Exception {
    String prefix = "{\"type\":\"ping\",\"id\":\"big\",\"pad\":\"";
    String frame = prefix + "x".repeat(64 * 1024 - prefix.length() - 2) + "\"}";
    assertThat(frame.length()).isEqualTo(64 * 1024);
    socket.send(frame);
    assertThat(socket.next().path("type").asString()).isEqualTo("pong");
  }

  @Test
  void aFrameOver1MibIsClosedWith1009() throws Exception {
    // A frame whose header announces 2 MiB is refused from its header; only its first bytes are
    // sent, so the close frame cannot be lost to a reset (see RawWebSocket).
    try (RawWebSocket other =
        RawWebSocket.connect(port, TestTokens.valid(TestTokens.newIdentity()))) {
      assertThat(other.next(RawWebSocket.TEXT).text()).contains("\"welcome\"");
      other.sendPartialText(2 * 1024 * 1024, 1024);
      assertThat(other.next(RawWebSocket.CLOSE).closeCode()).isEqualTo(1009);
    }
    assertStillUsable();
  }

  /**
   * Issue 8, "Why 3": two sends whose ids differ only in a lone surrogate ({@code s\ud800}, {@code
   * s\udfff}; text {@code A\ud83dB}) were both acked as {@code s?}, one message. Now each is
   * refused with {@code validation_failed} (no id: the id is what is malformed), nothing reaches
   * message-service, and the socket stays.
   */
  @Test
  void framesWithLoneSurrogatesAreRefusedAndNeverSent() throws Exception {
    int before = MESSAGES.requests();
    String conversation = "c-" + UUID.randomUUID();
    for (String frame :
        new String[] {
          "{\"type\":\"send\",\"id\":\"s\\ud800\",\"conversationId\":\""
              + conversation
              + "\",\"kind\":\"text\",\"body\":{\"text\":\"A\\ud83dB\"}}",
          "{\"type\":\"send\",\"id\":\"s\\udfff\",\"conversationId\":\""
              + conversation
              + "\",\"kind\":\"text\",\"body\":{\"text\":\"other\"}}",
          "{\"type\":\"send\",\"id\":\"ok-1\",\"conversationId\":\""
              + conversation
              + "\",\"kind\":\"text\",\"body\":{\"\\udc00\":\"a key\"}}",
          "{\"type\":\"typing\",\"conversationId\":\"c\\ud800\"}",
        }) {
      socket.send(frame);
      JsonNode error = socket.next();
      assertThat(error.path("type").asString()).isEqualTo("error");
      assertThat(error.path("code").asString()).isEqualTo("validation_failed");
      assertThat(error.has("id")).isFalse();
      assertStillUsable();
    }
    assertThat(MESSAGES.requests()).isEqualTo(before);
  }

  @Test
  void anIdOfAnyWellFormedUnicodeIsAckedExactlyAsSent() throws Exception {
    String id = "s\uD83D\uDE00\u4e2d\u00e9\uFFFD?";
    socket.send(
        JSON.writeValueAsString(
            java.util.Map.of(
                "type",
                "send",
                "id",
                id,
                "conversationId",
                "c-" + UUID.randomUUID(),
                "kind",
                "text",
                "body",
                java.util.Map.of("text", "A\uD83D\uDE00B"))));
    JsonNode ack = socket.next();
    assertThat(ack.path("type").asString()).isEqualTo("ack");
    assertThat(ack.path("id").asString()).isEqualTo(id);
  }

  @Test
  void aFrameOfInvalidUtf8IsRefusedWithValidationFailed() throws Exception {
    try (RawWebSocket other =
        RawWebSocket.connect(port, TestTokens.valid(TestTokens.newIdentity()))) {
      assertThat(other.next(RawWebSocket.TEXT).text()).contains("\"welcome\"");
      byte[] start = "{\"type\":\"ping\",\"id\":\"x".getBytes(StandardCharsets.US_ASCII);
      byte[] frame = new byte[start.length + 5];
      System.arraycopy(start, 0, frame, 0, start.length);
      // An encoded surrogate (CESU-8), then the end of the frame.
      frame[start.length] = (byte) 0xED;
      frame[start.length + 1] = (byte) 0xA0;
      frame[start.length + 2] = (byte) 0x80;
      frame[start.length + 3] = '"';
      frame[start.length + 4] = '}';
      other.sendText(frame);
      RawWebSocket.Frame answer = other.next();
      assertThat(answer.opcode()).isEqualTo(RawWebSocket.TEXT);
      assertThat(answer.text()).contains("\"validation_failed\"");
      other.sendText("{\"type\":\"ping\",\"id\":\"still\"}".getBytes(StandardCharsets.US_ASCII));
      assertThat(other.next(RawWebSocket.TEXT).text()).contains("\"pong\"");
    }
  }

  private static final tools.jackson.databind.json.JsonMapper JSON =
      new tools.jackson.databind.json.JsonMapper();

  private void assertStillUsable() throws Exception {
    socket.send("{\"type\":\"ping\",\"id\":\"alive\"}");
    JsonNode pong = socket.next();
    assertThat(pong.path("type").asString()).isEqualTo("pong");
    assertThat(pong.path("id").asString()).isEqualTo("alive");
  }
}
