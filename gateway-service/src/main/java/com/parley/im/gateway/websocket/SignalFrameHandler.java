package com.parley.im.gateway.websocket;

import com.parley.im.gateway.session.ClientSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code signal} {@code {toUserId, callId, payload}}: WebRTC call signalling; relaying is not built
 * yet (answered {@code not_available}).
 */
@Component
class SignalFrameHandler implements FrameHandler {

  @Override
  public String type() {
    return "signal";
  }

  @Override
  public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
    Fields.requireString(frame, "toUserId", Fields.MAX_REF);
    Fields.requireString(frame, "callId", Fields.MAX_REF);
    Fields.requirePresent(frame, "payload");
    return NotAvailable.yet(type());
  }
}
