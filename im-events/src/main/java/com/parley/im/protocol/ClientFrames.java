package com.parley.im.protocol;

import java.util.Map;

/**
 * Client-to-server WebSocket frames of PROTOCOL.md, as the gateway binds them after validating the
 * JSON. Each arrives as one JSON object whose {@code type} member names the frame; {@code id} is
 * optional except on {@code send}, where it is the client message id.
 */
public final class ClientFrames {

  private ClientFrames() {}

  /** {@code ping}: a sign of life; answered with {@link Frames.Pong}. */
  public record Ping(String id) {}

  /**
   * {@code send}: store a message; answered with an {@code ack} or an {@code error}.
   *
   * @param traceparent optional W3C trace context of the client's own trace: a sampled one makes
   *     the message's server trace a part of it, within a per-instance budget (ADR 0028); ignored
   *     when malformed
   */
  public record Send(
      String id,
      String conversationId,
      String kind,
      Map<String, Object> body,
      String traceparent) {}

  /** {@code recv}: this device has every message of the conversation up to {@code seq}. */
  public record Recv(String id, String conversationId, long seq) {}

  /** {@code read}: the user has read the conversation up to {@code seq}. */
  public record Read(String id, String conversationId, long seq) {}

  /** {@code typing}: relayed to the other members' online devices. */
  public record Typing(String id, String conversationId) {}

  /** {@code signal}: WebRTC call signalling, relayed to {@code toUserId}'s online devices. */
  public record Signal(String id, String toUserId, String callId, Object payload) {}
}
