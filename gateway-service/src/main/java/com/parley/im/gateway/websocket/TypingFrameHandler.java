package com.parley.im.gateway.websocket;

import com.parley.im.gateway.session.ClientSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code typing} {@code {conversationId}}: relaying to the other members is not built yet (answered
 * {@code not_available}).
 */
@Component
class TypingFrameHandler implements FrameHandler {

  @Override
  public String type() {
    return "typing";
  }

  @Override
  public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
    Fields.requireString(frame, "conversationId", Fields.MAX_REF);
    return NotAvailable.yet(type());
  }
}
