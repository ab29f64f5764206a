package com.parley.im.gateway.websocket;

import com.parley.im.gateway.session.ClientSession;
import com.parley.im.gateway.session.FrameEncoder;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.protocol.Frames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses each client text frame and hands it to the {@link FrameHandler} of its {@code type}. Every
 * bad frame is answered with an {@code error} frame and the socket stays open: not JSON, or not one
 * JSON object: {@code malformed_json}; no or an unknown {@code type}: {@code unknown_type}; missing
 * or invalid fields (including a bad {@code id}): {@code validation_failed}. A handler's unexpected
 * failure is answered {@code internal_error} without its message.
 */
@Component
class FrameDispatcher {

  private static final Logger log = LoggerFactory.getLogger(FrameDispatcher.class);

  private final Map<String, FrameHandler> handlers = new HashMap<>();
  private final JsonMapper json;
  private final FrameEncoder frames;

  FrameDispatcher(List<FrameHandler> handlers, JsonMapper json, FrameEncoder frames) {
    for (FrameHandler handler : handlers) {
      if (this.handlers.put(handler.type(), handler) != null) {
        throw new IllegalStateException("Two handlers for frame type " + handler.type());
      }
    }
    this.json = json;
    this.frames = frames;
  }

  /**
   * Handles one text frame of this socket; never errors: anything unexpected, in parsing too, is
   * answered {@code internal_error} (an error here would end the socket's reading, and every later
   * frame of the client would go unanswered).
   */
  Mono<Void> dispatch(ClientSession session, String text) {
    return Mono.defer(() -> parseAndHandle(session, text))
        .onErrorResume(
            e -> {
              log.error("A frame of {} could not be handled", session, e);
              return reject(
                  session, null, ErrorCodes.INTERNAL_ERROR, "The frame could not be handled.");
            });
  }

  private Mono<Void> parseAndHandle(ClientSession session, String text) {
    JsonNode frame;
    try {
      frame = json.readTree(text);
    } catch (JacksonException e) {
      return reject(session, null, ErrorCodes.MALFORMED_JSON, "The frame is not valid JSON.");
    }
    if (frame == null || !frame.isObject()) {
      return reject(session, null, ErrorCodes.MALFORMED_JSON, "A frame is one JSON object.");
    }
    JsonNode idNode = frame.get("id");
    String id = null;
    if (idNode != null && !idNode.isNull()) {
      if (!idNode.isString()
          || idNode.asString().isEmpty()
          || idNode.asString().length() > Fields.MAX_ID) {
        return reject(
            session,
            null,
            ErrorCodes.VALIDATION_FAILED,
            "id must be a string of 1 to " + Fields.MAX_ID + " characters.");
      }
      id = idNode.asString();
    }
    JsonNode typeNode = frame.get("type");
    if (typeNode == null || !typeNode.isString()) {
      return reject(session, id, ErrorCodes.UNKNOWN_TYPE, "The frame has no type.");
    }
    FrameHandler handler = handlers.get(typeNode.asString());
    if (handler == null) {
      return reject(session, id, ErrorCodes.UNKNOWN_TYPE, "Unknown frame type.");
    }
    String frameId = id;
    return Mono.defer(() -> handler.handle(session, frame, frameId))
        .onErrorResume(FrameRejected.class, e -> reject(session, frameId, e.code(), e.getMessage()))
        .onErrorResume(
            e -> {
              log.error("Handler of {} frames failed on {}", typeNode.asString(), session, e);
              return reject(
                  session, frameId, ErrorCodes.INTERNAL_ERROR, "The frame could not be handled.");
            });
  }

  /** Answers with an {@code error} frame; the socket stays open. */
  Mono<Void> reject(ClientSession session, String id, String code, String message) {
    session.send(frames.encode(new Frames.Error(id, code, message)));
    return Mono.empty();
  }
}
