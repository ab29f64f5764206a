package com.parley.im.gateway.websocket;

import com.parley.im.gateway.message.ClientFramePublisher;
import com.parley.im.gateway.session.ClientSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code typing} {@code {conversationId}}: handed to message-service (through {@code
 * client-frames}), which relays it to the other members' online devices. Answers nothing.
 */
@Component
class TypingFrameHandler implements FrameHandler {

  private final ClientFramePublisher publisher;

  TypingFrameHandler(ClientFramePublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public String type() {
    return "typing";
  }

  @Override
  public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
    Fields.requireString(frame, "conversationId", Fields.MAX_REF);
    publisher.publish(session, frame);
    return Mono.empty();
  }
}
