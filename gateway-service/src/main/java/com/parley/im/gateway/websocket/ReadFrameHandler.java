package com.parley.im.gateway.websocket;

import com.parley.im.gateway.session.ClientSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code read} {@code {conversationId, seq}}: the user read up to seq; read positions are not built
 * yet (answered {@code not_available}).
 */
@Component
class ReadFrameHandler implements FrameHandler {

  @Override
  public String type() {
    return "read";
  }

  @Override
  public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
    Fields.requireString(frame, "conversationId", Fields.MAX_REF);
    Fields.requireSeq(frame, "seq");
    return NotAvailable.yet(type());
  }
}
