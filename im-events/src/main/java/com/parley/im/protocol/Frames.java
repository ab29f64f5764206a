package com.parley.im.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * Server-to-client WebSocket frames of PROTOCOL.md. Each serialises to one JSON object whose {@code
 * type} member names the frame.
 */
public final class Frames {

  private Frames() {}

  /** The first frame on every socket. */
  public record Welcome(
      String userId,
      String deviceId,
      String sessionId,
      long heartbeatIntervalMs,
      Instant serverTime) {
    public String getType() {
      return "welcome";
    }
  }

  /** The answer to a client {@code ping}. */
  public record Pong(String id, Instant serverTime) {
    public String getType() {
      return "pong";
    }
  }

  /**
   * A refused frame. The connection stays open unless {@code code} is {@link ErrorCodes#CLOSING}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Error(String id, String code, String message) {
    public String getType() {
      return "error";
    }
  }
}
