package com.parley.im.gateway.websocket;

import com.parley.im.gateway.message.ClientFramePublisher;
import com.parley.im.gateway.session.ClientSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code signal} {@code {toUserId, callId, payload}}: WebRTC call signalling ({@code callId} 1-64
 * characters, {@code payload} a JSON object), handed to message-service (through {@code
 * client-frames}), which relays it to the callee's online devices when the two share a conversation
 * and answers {@code error} otherwise. Answers nothing here.
 */
@Component
class SignalFrameHandler implements FrameHandler {

  private final ClientFramePublisher publisher;

  SignalFrameHandler(ClientFramePublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public String type() {
    return "signal";
  }

  @Override
  public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
    Fields.requireString(frame, "toUserId", Fields.MAX_REF);
    Fields.requireString(frame, "callId", Fields.MAX_ID);
    Fields.requireObject(frame, "payload");
    publisher.publish(session, frame);
    return Mono.empty();
  }
}
