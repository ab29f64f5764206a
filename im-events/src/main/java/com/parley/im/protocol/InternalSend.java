package com.parley.im.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One validated {@code send} frame of an {@link InternalSendRequest}, with the socket's user and
 * device, and the trace context of the gateway's {@code send} span when that is sampled (ADR 0028;
 * left out otherwise). The body is the frame's JSON object as it came: the gateway passes its
 * parsed tree, message-service binds it to a map; neither converts it once more.
 */
public record InternalSend(
    String userId,
    String deviceId,
    String clientMsgId,
    String conversationId,
    String kind,
    Object body,
    @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent) {}
