package com.parley.im.gateway.websocket;

import com.parley.im.gateway.session.ClientSession;
import com.parley.im.gateway.session.FrameEncoder;
import com.parley.im.protocol.Frames;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** {@code ping} -> {@code pong} with the same {@code id} and the server's time. */
@Component
class PingFrameHandler implements FrameHandler {

  private final FrameEncoder frames;

  PingFrameHandler(FrameEncoder frames) {
    this.frames = frames;
  }

  @Override
  public String type() {
    return "ping";
  }

  @Override
  public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
    session.send(frames.encode(new Frames.Pong(id, Instant.now())));
    return Mono.empty();
  }
}
