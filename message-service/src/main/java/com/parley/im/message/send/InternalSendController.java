package com.parley.im.message.send;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.parley.im.defaults.ApiException;
import com.parley.im.protocol.ErrorCodes;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /internal/messages/send}: the gateways' sends (ADR 0006 §1), 1-100 per request,
 * answered in the same order with an ack or an error each. Never routed from outside.
 */
@RestController
class InternalSendController {

  static final int MAX_SENDS = 100;

  /** The request: the sends of many sockets. */
  record InternalSendRequest(List<InternalSend> sends) {}

  /**
   * One {@code send} frame with the socket's user and device, and the trace context of the
   * gateway's {@code send} span when it is sampled (ADR 0028; absent otherwise).
   */
  record InternalSend(
      String userId,
      String deviceId,
      String clientMsgId,
      String conversationId,
      String kind,
      Object body,
      String traceparent) {}

  /** The answer. */
  record InternalSendResponse(List<Result> results) {}

  /** {@code status} "ok" (an ack's fields) or "error" (code, message, retryAfterMs?). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Result(
      String status,
      String messageId,
      String conversationId,
      Long seq,
      Instant createdAt,
      String code,
      String message,
      Long retryAfterMs) {

    static Result of(SendOutcome outcome) {
      if (outcome.ok()) {
        var m = outcome.message();
        return new Result(
            "ok", m.messageId(), m.conversationId(), m.seq(), m.createdAt(), null, null, null);
      }
      return new Result(
          "error",
          null,
          null,
          null,
          null,
          outcome.error().code(),
          outcome.error().getMessage(),
          outcome.retryAfterMs());
    }
  }

  private final SendService sending;

  InternalSendController(SendService sending) {
    this.sending = sending;
  }

  @PostMapping("/internal/messages/send")
  Mono<InternalSendResponse> send(@RequestBody InternalSendRequest request) {
    if (request == null
        || request.sends() == null
        || request.sends().isEmpty()
        || request.sends().size() > MAX_SENDS) {
      return Mono.error(
          ApiException.badRequest(ErrorCodes.VALIDATION_FAILED, "sends must have 1-100 sends."));
    }
    List<SendCommand> commands =
        request.sends().stream()
            .map(
                s ->
                    s == null
                        ? new SendCommand(null, null, null, null, null, null)
                        : new SendCommand(
                            s.userId(),
                            s.deviceId(),
                            s.clientMsgId(),
                            s.conversationId(),
                            s.kind(),
                            s.body(),
                            s.traceparent()))
            .toList();
    return sending
        .send(commands)
        .map(outcomes -> new InternalSendResponse(outcomes.stream().map(Result::of).toList()));
  }
}
