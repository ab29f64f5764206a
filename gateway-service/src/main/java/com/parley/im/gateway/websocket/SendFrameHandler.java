package com.parley.im.gateway.websocket;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.parley.im.defaults.tracing.MessageTracing;
import com.parley.im.gateway.message.MessageSendClient;
import com.parley.im.gateway.message.SendTracing;
import com.parley.im.gateway.session.ClientSession;
import com.parley.im.gateway.session.FrameEncoder;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.protocol.Frames;
import com.parley.im.protocol.InternalSend;
import com.parley.im.protocol.InternalSendResult;
import com.parley.im.protocol.MessageKinds;
import io.micrometer.tracing.Span;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code send} {@code {id, conversationId, kind, body, traceparent?}}: validated here, traced (a
 * {@code send} span when sampled, {@link SendTracing}), stored by message-service through the
 * {@link MessageSendClient} (batched with the other sockets' sends), answered with {@code ack} or
 * {@code error} carrying the frame's id.
 *
 * <p>Pipelining (ADR 0031): the returned Mono completes once the send is queued in the {@link
 * MessageSendClient}, which keeps one device's sends in order and in one request at a time, so the
 * socket's next frame is handled while the send travels: one device's sends reach message-service
 * (and get their seqs) in the order it sent them, and their answers come back in that order. At
 * most {@value #PIPELINED} sends of a socket wait for their answers this way; beyond, the Mono
 * completes only with the answer, so a client that floods is slowed by TCP back-pressure.
 */
@Component
class SendFrameHandler implements FrameHandler {

  /** Sends of one socket that may wait for their answers while its next frames are read. */
  static final int PIPELINED = 32;

  private final MessageSendClient sends;
  private final FrameEncoder frames;
  private final SendTracing tracing;

  SendFrameHandler(MessageSendClient sends, FrameEncoder frames, SendTracing tracing) {
    this.sends = sends;
    this.frames = frames;
    this.tracing = tracing;
  }

  @Override
  public String type() {
    return "send";
  }

  @Override
  public Mono<Void> handle(ClientSession session, JsonNode frame, String id) {
    if (id == null) {
      throw Fields.invalid("id (the client message id) is required.");
    }
    String conversationId = Fields.requireString(frame, "conversationId", Fields.MAX_REF);
    String kind = Fields.requireString(frame, "kind", 32);
    if (!MessageKinds.CLIENT.contains(kind)) {
      throw Fields.invalid(MessageKinds.clientKindsRequired());
    }
    JsonNode body = Fields.requireObject(frame, "body");
    Span span = tracing.start(clientTraceparent(frame));
    Mono<Void> answered =
        sends
            .send(
                new InternalSend(
                    session.userId(),
                    session.deviceId(),
                    id,
                    conversationId,
                    kind,
                    body,
                    MessageTracing.traceparentOf(span)),
                session::isClosing)
            .doOnNext(
                result -> {
                  if (span != null) {
                    span.tag(
                        "im.send.status", result.isOk() ? "ok" : String.valueOf(result.code()));
                  }
                  session.send(frames.encode(answer(id, result)));
                })
            .doFinally(
                signal -> {
                  session.sendAnswered();
                  MessageTracing.end(span);
                })
            .then();
    if (session.sendStarted() > PIPELINED) {
      return answered;
    }
    // Queued in order by the subscription itself; the answer is written when it comes.
    answered.subscribe();
    return Mono.empty();
  }

  /**
   * The optional W3C {@code traceparent} of the frame (ADR 0028); anything but a string is ignored,
   * like a malformed context (W3C Trace Context: a receiver ignores what it cannot parse).
   */
  private static String clientTraceparent(JsonNode frame) {
    JsonNode value = frame.get("traceparent");
    return value != null && value.isString() ? value.asString() : null;
  }

  private static Object answer(String id, InternalSendResult result) {
    if (result.isOk()) {
      return new Frames.Ack(
          id, result.messageId(), result.conversationId(), result.seq(), result.createdAt());
    }
    if (result.code() == null) {
      return new SendError(
          id, ErrorCodes.INTERNAL_ERROR, "The message could not be handled.", null);
    }
    return new SendError(id, result.code(), result.message(), result.retryAfterMs());
  }

  /**
   * The {@code error} frame of a refused send: {@link Frames.Error} plus {@code retryAfterMs} when
   * message-service gave one (rate limits).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SendError(String id, String code, String message, Long retryAfterMs) {
    public String getType() {
      return "error";
    }
  }
}
