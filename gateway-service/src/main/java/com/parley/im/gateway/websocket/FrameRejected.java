package com.parley.im.gateway.websocket;

/**
 * A client frame that is refused with an {@code error} frame; the socket stays open. Carries no
 * stack trace: it is an answer, not a fault.
 */
final class FrameRejected extends RuntimeException {

  private final String code;

  FrameRejected(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  String code() {
    return code;
  }
}
