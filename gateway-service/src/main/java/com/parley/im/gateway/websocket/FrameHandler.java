package com.parley.im.gateway.websocket;

import com.parley.im.gateway.session.ClientSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Handles one client frame type of PROTOCOL.md. The {@link FrameDispatcher} finds the handler by
 * {@link #type()}; handlers of one socket run one at a time in arrival order.
 */
interface FrameHandler {

  /** The {@code type} member this handler answers. */
  String type();

  /**
   * Validates and handles one frame. Throw (or emit) {@link FrameRejected} to answer with an {@code
   * error} frame carrying the frame's {@code id}; the socket stays open either way.
   *
   * @param id the frame's {@code id}, already checked to be absent or a string of 1-64 characters
   */
  Mono<Void> handle(ClientSession session, JsonNode frame, String id);
}
