package com.parley.im.message.inbox;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /api/conversations} (list and sync) and {@code POST /api/conversations/direct}. */
@RestController
@RequestMapping("/api/conversations")
class ConversationListController {

  private final InboxService inbox;

  ConversationListController(InboxService inbox) {
    this.inbox = inbox;
  }

  @GetMapping
  Mono<ConversationView.Page> list(
      @AuthenticationPrincipal Jwt token,
      @RequestParam(name = "since", required = false) String since) {
    return inbox.list(token.getSubject(), since);
  }

  @PostMapping("/direct")
  Mono<ConversationView> openDirect(
      @AuthenticationPrincipal Jwt token, @RequestBody ConversationView.OpenDirect request) {
    return inbox.openDirect(token.getSubject(), request);
  }
}
