package com.parley.im.protocol;

import java.util.List;

/**
 * {@code POST /internal/messages/send} (ADR 0006 §1, ADR 0033): the gateways' sends to
 * message-service, 1-{@value #MAX_SENDS} of many sockets, each device's in the order it sent them;
 * answered with an {@link InternalSendResponse}. One typed contract: the gateway's client writes
 * it, message-service's controller binds it. Never routed from outside; the caller shows a service
 * credential (ADR 0007).
 */
public record InternalSendRequest(List<InternalSend> sends) {

  public static final String PATH = "/internal/messages/send";
  public static final int MAX_SENDS = 100;
}
