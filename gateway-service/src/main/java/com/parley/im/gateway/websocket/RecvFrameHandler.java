package com.parley.im.gateway.websocket;

import com.parley.im.gateway.session.ClientSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code recv} {@code {conversationId, seq}}: "this device has everything up to seq"; delivery
 * tracking is not built yet (answered {@code not_available}).
 */
@Component
class RecvFrameHandler implements FrameHandler {

  @Override
  public String type() {
    return "recv";
  }

  @Override
  public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
    Fields.requireString(frame, "conversationId", Fields.MAX_REF);
    Fields.requireSeq(frame, "seq");
    return NotAvailable.yet(type());
  }
}
