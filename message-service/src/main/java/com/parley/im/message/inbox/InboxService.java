package com.parley.im.message.inbox;

import com.parley.im.defaults.ApiException;
import com.parley.im.message.conversation.ConversationAccess;
import com.parley.im.message.inbox.InboxStore.Page;
import com.parley.im.message.inbox.InboxStore.Row;
import com.parley.im.message.store.MessageStore;
import com.parley.im.message.store.StoredMessage;
import com.parley.im.protocol.ErrorCodes;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The conversation list and its sync.
 *
 * <p>Promises: a sync with the token of an earlier answer returns every conversation that changed
 * after that answer's snapshot (its row or the caller's member row: messages stored, renamed,
 * members, the caller joining, leaving or being removed), including changes of transactions that
 * were still running when the token was issued; it may also return conversations that did not
 * change (clients merge by id). Conversations the caller left appear in a sync with {@code removed:
 * true} and never in the full list. {@code unread} is {@code lastSeq - readSeq}, never negative.
 */
@Service
class InboxService {

  private final InboxStore store;
  private final MessageStore messages;
  private final ConversationAccess access;

  InboxService(InboxStore store, MessageStore messages, ConversationAccess access) {
    this.store = store;
    this.messages = messages;
    this.access = access;
  }

  Mono<ConversationView.Page> list(String me, String since) {
    return Mono.defer(
            () -> since == null ? store.all(me) : store.changedSince(me, SyncToken.decode(since)))
        .flatMap(
            page ->
                views(page).map(views -> new ConversationView.Page(views, page.token().encode())));
  }

  /** The caller's direct conversation with a friend, created if needed. */
  Mono<ConversationView> openDirect(String me, ConversationView.OpenDirect request) {
    if (request == null || request.peerId() == null || request.peerId().isBlank()) {
      return Mono.error(
          ApiException.badRequest(ErrorCodes.VALIDATION_FAILED, "peerId is required."));
    }
    return access
        .openDirect(me, request.peerId())
        .flatMap(id -> store.one(me, id))
        .flatMap(this::views)
        .flatMap(
            views ->
                views.isEmpty()
                    ? Mono.error(
                        ApiException.notFound(ErrorCodes.NOT_MEMBER, "No such conversation."))
                    : Mono.just(views.get(0)));
  }

  private Mono<List<ConversationView>> views(Page page) {
    List<String> readable = page.rows().stream().filter(r -> !r.removed()).map(Row::id).toList();
    Mono<Map<String, StoredMessage>> latest =
        readable.isEmpty() ? Mono.just(Map.of()) : messages.latest(readable);
    return latest.map(
        last ->
            page.rows().stream()
                .map(row -> view(row, last.get(row.id())))
                .sorted(
                    Comparator.comparing(ConversationView::updatedAt)
                        .reversed()
                        .thenComparing(ConversationView::id))
                .toList());
  }

  static ConversationView view(Row row, StoredMessage last) {
    if (row.removed()) {
      // No messages of after the caller left: their own position only.
      return new ConversationView(
          row.id(),
          row.type(),
          row.name(),
          row.peerId(),
          row.memberCount(),
          row.readSeq(),
          row.readSeq(),
          0,
          null,
          row.updatedAt(),
          row.muted(),
          Boolean.TRUE);
    }
    StoredMessage visible = last != null && last.seq() >= row.fromSeq() ? last : null;
    long lastSeq = Math.max(row.lastSeq(), visible == null ? 0 : visible.seq());
    Instant updatedAt =
        visible != null && visible.createdAt().isAfter(row.updatedAt())
            ? visible.createdAt()
            : row.updatedAt();
    return new ConversationView(
        row.id(),
        row.type(),
        row.name(),
        row.peerId(),
        row.memberCount(),
        lastSeq,
        row.readSeq(),
        Math.max(0, lastSeq - row.readSeq()),
        visible,
        updatedAt,
        row.muted(),
        null);
  }
}
