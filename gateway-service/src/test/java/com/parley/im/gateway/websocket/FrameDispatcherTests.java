package com.parley.im.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.when;

import com.parley.im.gateway.session.ClientSession;
import com.parley.im.gateway.session.FrameEncoder;
import com.parley.im.gateway.session.TestSessions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One frame's failure is answered on the socket and never ends the socket's reading. */
class FrameDispatcherTests {

  private final JsonMapper json = new JsonMapper();
  private final List<String> written = new CopyOnWriteArrayList<>();

  @Test
  void anUnexpectedFailureWhileParsingIsAnsweredInternalErrorAndDoesNotErrorTheStream() {
    JsonMapper failing = spy(json);
    when(failing.readTree(anyString())).thenThrow(new IllegalStateException("lock refused"));
    FrameDispatcher dispatcher =
        new FrameDispatcher(List.of(ping()), failing, new FrameEncoder(json));
    ClientSession session = session();

    StepVerifier.create(dispatcher.dispatch(session, "{\"type\":\"ping\",\"id\":\"p\"}"))
        .verifyComplete();

    assertThat(written).hasSize(1);
    JsonNode error = json.readTree(written.get(0));
    assertThat(error.path("type").asString()).isEqualTo("error");
    assertThat(error.path("code").asString()).isEqualTo("internal_error");
    assertThat(error.toString()).doesNotContain("lock refused");
  }

  @Test
  void aHandlerThatThrowsIsAnsweredInternalErrorWithTheFramesId() {
    FrameHandler throwing =
        new FrameHandler() {
          @Override
          public String type() {
            return "ping";
          }

          @Override
          public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
            throw new IllegalStateException("bug");
          }
        };
    FrameDispatcher dispatcher =
        new FrameDispatcher(List.of(throwing), json, new FrameEncoder(json));

    StepVerifier.create(dispatcher.dispatch(session(), "{\"type\":\"ping\",\"id\":\"p\"}"))
        .verifyComplete();

    JsonNode error = json.readTree(written.get(0));
    assertThat(error.path("code").asString()).isEqualTo("internal_error");
    assertThat(error.path("id").asString()).isEqualTo("p");
  }

  private FrameHandler ping() {
    return new PingFrameHandler(new FrameEncoder(json));
  }

  private ClientSession session() {
    return TestSessions.writingSession(written, 16);
  }
}
