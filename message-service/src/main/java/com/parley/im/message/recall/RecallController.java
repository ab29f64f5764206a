package com.parley.im.message.recall;

import com.parley.im.message.store.StoredMessage;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/messages/{messageId}/recall} -> 200 the {@code recall} message; 403 {@code
 * forbidden} for anyone but the sender, 409 {@code recall_expired} after the window, 404 {@code
 * not_found} for an unknown message.
 */
@RestController
class RecallController {

  private final RecallService recalls;

  RecallController(RecallService recalls) {
    this.recalls = recalls;
  }

  @PostMapping("/api/messages/{messageId}/recall")
  Mono<StoredMessage> recall(
      @AuthenticationPrincipal Jwt token, @PathVariable("messageId") String messageId) {
    return recalls.recall(token.getSubject(), token.getClaimAsString("did"), messageId);
  }
}
