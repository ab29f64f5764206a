package com.parley.im.message.history;

import com.parley.im.message.store.StoredMessage;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/conversations/{id}/messages?afterSeq=N|beforeSeq=N&limit=L} -> {@code
 * {messages:[...]}} ascending by seq; without either seq, the newest {@code limit}. 404 {@code
 * not_member} for non-members and unknown conversations.
 */
@RestController
class HistoryController {

  /** The page. */
  record MessagePage(List<StoredMessage> messages) {}

  private final HistoryService history;

  HistoryController(HistoryService history) {
    this.history = history;
  }

  @GetMapping("/api/conversations/{id}/messages")
  Mono<MessagePage> page(
      @AuthenticationPrincipal Jwt token,
      @PathVariable("id") String conversationId,
      @RequestParam(name = "afterSeq", required = false) Long afterSeq,
      @RequestParam(name = "beforeSeq", required = false) Long beforeSeq,
      @RequestParam(name = "limit", required = false) Integer limit) {
    return history
        .page(token.getSubject(), conversationId, afterSeq, beforeSeq, limit)
        .map(MessagePage::new);
  }
}
