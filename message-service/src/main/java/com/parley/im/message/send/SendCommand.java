package com.parley.im.message.send;

/**
 * One send, from the internal endpoint (a gateway's {@code send} frame) or the REST fallback.
 *
 * @param body the client's body as parsed JSON: a {@code Map} when well-formed (anything else is
 *     refused {@code validation_failed})
 */
public record SendCommand(
    String userId,
    String deviceId,
    String clientMsgId,
    String conversationId,
    String kind,
    Object body) {}
