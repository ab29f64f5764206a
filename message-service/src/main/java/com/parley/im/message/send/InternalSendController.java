package com.parley.im.message.send;

import com.parley.im.defaults.ApiException;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.protocol.InternalSendRequest;
import com.parley.im.protocol.InternalSendResponse;
import com.parley.im.protocol.InternalSendResult;
import java.util.List;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /internal/messages/send}: the gateways' sends (ADR 0006 §1, {@link
 * InternalSendRequest}), 1-100 per request, answered in the same order with an ack or an error
 * each. Never routed from outside.
 */
@RestController
class InternalSendController {

  private final SendService sending;

  InternalSendController(SendService sending) {
    this.sending = sending;
  }

  @PostMapping(InternalSendRequest.PATH)
  Mono<InternalSendResponse> send(@RequestBody InternalSendRequest request) {
    if (request == null
        || request.sends() == null
        || request.sends().isEmpty()
        || request.sends().size() > InternalSendRequest.MAX_SENDS) {
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
        .map(
            outcomes ->
                new InternalSendResponse(
                    outcomes.stream().map(InternalSendController::resultOf).toList()));
  }

  private static InternalSendResult resultOf(SendOutcome outcome) {
    if (outcome.ok()) {
      var m = outcome.message();
      return InternalSendResult.ok(m.messageId(), m.conversationId(), m.seq(), m.createdAt());
    }
    return InternalSendResult.error(
        outcome.error().code(), outcome.error().getMessage(), outcome.retryAfterMs());
  }
}
