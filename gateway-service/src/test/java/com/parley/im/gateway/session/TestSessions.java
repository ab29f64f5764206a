package com.parley.im.gateway.session;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;

/** {@link ClientSession}s over a mocked socket, for unit tests of one class. */
public final class TestSessions {

  private TestSessions() {}

  /** A mocked socket that makes text messages; what it does on send is up to the test. */
  public static WebSocketSession socket() {
    WebSocketSession socket = mock(WebSocketSession.class);
    when(socket.getId()).thenReturn("socket-1");
    when(socket.textMessage(anyString()))
        .thenAnswer(
            call ->
                new WebSocketMessage(
                    WebSocketMessage.Type.TEXT,
                    DefaultDataBufferFactory.sharedInstance.wrap(
                        call.<String>getArgument(0).getBytes(StandardCharsets.UTF_8))));
    return socket;
  }

  /** A session whose every written frame's text is added to {@code written}. */
  public static ClientSession writingSession(List<String> written, int queueLimit) {
    WebSocketSession socket = socket();
    when(socket.send(any()))
        .thenAnswer(
            call ->
                Flux.from(call.<Publisher<WebSocketMessage>>getArgument(0))
                    .doOnNext(m -> written.add(m.getPayloadAsText()))
                    .then());
    ClientSession session = new ClientSession("u", "d", "s", socket, () -> {}, queueLimit);
    session.writeAll().subscribe();
    return session;
  }
}
