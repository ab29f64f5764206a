package com.parley.im.gateway.websocket;

import com.parley.im.gateway.session.ClientSession;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code send} {@code {id, conversationId, kind, body}}: validated here; storing the message is
 * message-service's (not built yet: answered {@code not_available}).
 */
@Component
class SendFrameHandler implements FrameHandler {

  /** Kinds a client may send; {@code system} and {@code recall} are written by the server. */
  static final Set<String> CLIENT_KINDS =
      Set.of("text", "emoji", "image", "voice", "video", "file", "location", "custom");

  @Override
  public String type() {
    return "send";
  }

  @Override
  public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
    if (id == null) {
      throw Fields.invalid("id (the client message id) is required.");
    }
    Fields.requireString(frame, "conversationId", Fields.MAX_REF);
    String kind = Fields.requireString(frame, "kind", 32);
    if (!CLIENT_KINDS.contains(kind)) {
      throw Fields.invalid("kind must be one of " + CLIENT_KINDS + ".");
    }
    Fields.requireObject(frame, "body");
    return NotAvailable.yet(type());
  }
}
