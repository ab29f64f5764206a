package com.parley.im.protocol;

import java.util.List;

/**
 * The kinds of message in PROTOCOL.md's table, in its order: the one list that the gateway's {@code
 * send} check and message-service's validator both read.
 */
public final class MessageKinds {

  /** Kinds a client may send. */
  public static final List<String> CLIENT =
      List.of("text", "emoji", "image", "voice", "video", "file", "location", "custom");

  /** Kinds only the server writes: a notice about the conversation, and a recall's tombstone. */
  public static final List<String> SERVER = List.of("system", "recall");

  private MessageKinds() {}

  /** The refusal's wording, the same on the socket and on REST. */
  public static String clientKindsRequired() {
    return "kind must be one of " + CLIENT + ".";
  }
}
