package com.parley.im.load.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A whole {@code chat} run against {@link FakeGateway}: the tool's REST calls, sockets, pacing,
 * recv frames and history checks fit together, and its exit code follows the accounting.
 */
class ChatBenchmarkTests {

  private static Map<String, String> shortRun(String baseUrl) {
    return Map.of(
        "base-url", baseUrl,
        "users", "6",
        "groups", "1",
        "group-size", "3",
        "rate", "200",
        "warmup", "500ms",
        "duration", "1500ms",
        "drain", "500ms");
  }

  @Test
  void aFaithfulServerPassesInTheOpenLoop() {
    try (FakeGateway gateway = new FakeGateway(seq -> false)) {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      int exit =
          new ChatBenchmark(
                  ChatOptions.from(shortRun(gateway.baseUrl())),
                  new PrintStream(text, true, StandardCharsets.UTF_8))
              .run();
      String output = text.toString(StandardCharsets.UTF_8);
      System.out.println(output);

      assertThat(exit).isZero();
      assertThat(output).contains("RESULT: OK", "lost        0 ", "duplicated  0 ");
      assertThat(output).containsPattern("sent +4\\d\\d ");
    }
  }

  @Test
  void aFaithfulServerPassesInTheClosedLoop() {
    try (FakeGateway gateway = new FakeGateway(seq -> false)) {
      Map<String, String> options = new java.util.HashMap<>(shortRun(gateway.baseUrl()));
      options.remove("rate");
      options.put("closed-loop", "true");
      options.put("in-flight", "2");
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      int exit =
          new ChatBenchmark(
                  ChatOptions.from(options), new PrintStream(text, true, StandardCharsets.UTF_8))
              .run();
      String output = text.toString(StandardCharsets.UTF_8);
      System.out.println(output);

      assertThat(exit).isZero();
      assertThat(output).contains("RESULT: OK");
    }
  }

  @Test
  void pushesTheServerDroppedAreLostButFoundInTheHistory() {
    try (FakeGateway gateway = new FakeGateway(seq -> seq % 10 == 5)) {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      int exit =
          new ChatBenchmark(
                  ChatOptions.from(shortRun(gateway.baseUrl())),
                  new PrintStream(text, true, StandardCharsets.UTF_8))
              .run();
      String output = text.toString(StandardCharsets.UTF_8);
      System.out.println(output);

      assertThat(exit).isEqualTo(1);
      assertThat(output).contains("RESULT: FAILED", "MISSING FROM HISTORY 0, unverified 0");
      assertThat(output).containsPattern("stored but never pushed [1-9]");
    }
  }
}
