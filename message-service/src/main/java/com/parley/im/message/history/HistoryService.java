package com.parley.im.message.history;

import com.parley.im.defaults.ApiException;
import com.parley.im.message.conversation.ConversationAccess;
import com.parley.im.message.store.R2dbcMessageStore;
import com.parley.im.message.store.StoredMessage;
import com.parley.im.protocol.ErrorCodes;
import java.util.List;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Reading a conversation's messages (offline catch-up, roaming, scrolling back): members only, and
 * never below the member's {@code from_seq} (the seq of their joining). Pages are ascending by seq
 * whichever way they go, so a client that asks {@code afterSeq=<last seq it has>} misses nothing.
 */
@Service
class HistoryService {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;

  private final ConversationAccess access;
  private final R2dbcMessageStore store;

  HistoryService(ConversationAccess access, R2dbcMessageStore store) {
    this.access = access;
    this.store = store;
  }

  Mono<List<StoredMessage>> page(
      String userId, String conversationId, Long afterSeq, Long beforeSeq, Integer limit) {
    if (afterSeq != null && beforeSeq != null) {
      return Mono.error(invalid("Give afterSeq or beforeSeq, not both."));
    }
    if ((afterSeq != null && afterSeq < 0) || (beforeSeq != null && beforeSeq < 1)) {
      return Mono.error(invalid("afterSeq must be >= 0 and beforeSeq >= 1."));
    }
    int size = limit == null ? DEFAULT_LIMIT : limit;
    if (size < 1 || size > MAX_LIMIT) {
      return Mono.error(invalid("limit must be 1-" + MAX_LIMIT + "."));
    }
    return access
        .requireMember(conversationId, userId)
        .flatMap(
            fromSeq ->
                store.page(conversationId, fromSeq, afterSeq, beforeSeq, size).collectList());
  }

  private static ApiException invalid(String detail) {
    return ApiException.badRequest(ErrorCodes.VALIDATION_FAILED, detail);
  }
}
