package com.parley.im.gateway.websocket;

import com.parley.im.gateway.message.ClientFramePublisher;
import com.parley.im.gateway.session.ClientSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code recv} {@code {conversationId, seq}}: "this device has everything up to seq". The socket
 * stops redelivering the {@code message} frames it covers, and message-service records the device's
 * delivered position (through {@code client-frames}). Answers nothing.
 */
@Component
class RecvFrameHandler implements FrameHandler {

  private final ClientFramePublisher publisher;

  RecvFrameHandler(ClientFramePublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public String type() {
    return "recv";
  }

  @Override
  public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
    String conversationId = Fields.requireString(frame, "conversationId", Fields.MAX_REF);
    long seq = Fields.requireSeq(frame, "seq");
    session.covered(conversationId, seq);
    publisher.publish(session, frame);
    return Mono.empty();
  }
}
