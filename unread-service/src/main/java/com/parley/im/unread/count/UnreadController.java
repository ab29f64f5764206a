package com.parley.im.unread.count;

import com.parley.im.defaults.ApiException;
import com.parley.im.protocol.ErrorCodes;
import java.util.Comparator;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /api/unread} and {@code PUT} / {@code DELETE /api/conversations/{id}/mute}. */
@RestController
class UnreadController {

  private final UnreadCounts counts;

  UnreadController(UnreadCounts counts) {
    this.counts = counts;
  }

  record ConversationUnread(String conversationId, long unread, long readSeq, long lastSeq) {}

  record UnreadResponse(long total, List<ConversationUnread> conversations) {}

  record MuteResponse(String conversationId, boolean muted, long unread) {}

  @GetMapping("/api/unread")
  Mono<UnreadResponse> unread(@AuthenticationPrincipal Jwt caller) {
    return counts
        .countsOf(caller.getSubject())
        .map(
            c ->
                new UnreadResponse(
                    c.total(),
                    c.conversations().stream()
                        .sorted(Comparator.comparing(UserCounts.ConversationCount::conversationId))
                        .map(
                            x ->
                                new ConversationUnread(
                                    x.conversationId(), x.unread(), x.readSeq(), x.lastSeq()))
                        .toList()));
  }

  @PutMapping("/api/conversations/{id}/mute")
  Mono<MuteResponse> mute(@AuthenticationPrincipal Jwt caller, @PathVariable String id) {
    return set(caller, id, true);
  }

  @DeleteMapping("/api/conversations/{id}/mute")
  Mono<MuteResponse> unmute(@AuthenticationPrincipal Jwt caller, @PathVariable String id) {
    return set(caller, id, false);
  }

  private Mono<MuteResponse> set(Jwt caller, String id, boolean muted) {
    return counts
        .mute(caller.getSubject(), id, muted)
        .map(c -> new MuteResponse(id, muted, c.unread()))
        .switchIfEmpty(
            Mono.error(
                () ->
                    ApiException.notFound(
                        ErrorCodes.NOT_MEMBER, "Not a member of this conversation.")));
  }
}
