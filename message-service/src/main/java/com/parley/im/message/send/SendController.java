package com.parley.im.message.send;

import com.parley.im.defaults.Problems;
import com.parley.im.message.store.StoredMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/conversations/{id}/messages}: the REST fallback of the {@code send} frame, same
 * checks, same batcher, same idempotency: 201 with the stored message, 200 with the first message
 * for a resend of the same {@code clientMsgId}; 429 {@code rate_limited} with {@code Retry-After}.
 */
@RestController
class SendController {

  /** The body: a {@code send} frame without its type. */
  record SendRequest(String clientMsgId, String kind, Object body) {}

  private final SendService sending;

  SendController(SendService sending) {
    this.sending = sending;
  }

  @PostMapping("/api/conversations/{id}/messages")
  Mono<ResponseEntity<Object>> send(
      @AuthenticationPrincipal Jwt token,
      @PathVariable("id") String conversationId,
      @RequestBody SendRequest request) {
    SendCommand command =
        new SendCommand(
            token.getSubject(),
            token.getClaimAsString("did"),
            request.clientMsgId(),
            conversationId,
            request.kind(),
            request.body());
    return sending
        .send(java.util.List.of(command))
        .flatMap(
            outcomes -> {
              SendOutcome outcome = outcomes.get(0);
              if (outcome.ok()) {
                StoredMessage message = outcome.message();
                return Mono.just(
                    ResponseEntity.status(outcome.created() ? HttpStatus.CREATED : HttpStatus.OK)
                        .body((Object) message));
              }
              if (outcome.retryAfterMs() != null) {
                ProblemDetail problem =
                    Problems.of(
                        outcome.error().status(),
                        outcome.error().code(),
                        outcome.error().getMessage());
                problem.setProperty("retryAfterMs", outcome.retryAfterMs());
                long seconds = Math.max(1, (outcome.retryAfterMs() + 999) / 1000);
                return Mono.just(
                    ResponseEntity.status(outcome.error().status())
                        .header("Retry-After", Long.toString(seconds))
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body((Object) problem));
              }
              return Mono.error(outcome.error());
            });
  }
}
