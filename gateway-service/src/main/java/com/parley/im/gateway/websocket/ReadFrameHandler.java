package com.parley.im.gateway.websocket;

import com.parley.im.gateway.message.ClientFramePublisher;
import com.parley.im.gateway.session.ClientSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code read} {@code {conversationId, seq}}: the user read up to seq; handed to message-service
 * (through {@code client-frames}), which moves the read position and sends receipts. Answers
 * nothing.
 */
@Component
class ReadFrameHandler implements FrameHandler {

  private final ClientFramePublisher publisher;

  ReadFrameHandler(ClientFramePublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public String type() {
    return "read";
  }

  @Override
  public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
    Fields.requireString(frame, "conversationId", Fields.MAX_REF);
    Fields.requireSeq(frame, "seq");
    publisher.publish(session, frame);
    return Mono.empty();
  }
}
