package com.parley.im.message.recall;

import com.parley.im.defaults.ApiException;
import com.parley.im.message.conversation.ConversationAccess;
import com.parley.im.message.store.NewMessage;
import com.parley.im.message.store.R2dbcMessageStore;
import com.parley.im.message.store.StoredMessage;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.protocol.MessageKinds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Recall (PROTOCOL.md): only the sender, within {@code im.message.recall-window} (2 minutes) of
 * sending, and only while still a member. In one transaction, under the message's row lock: the
 * original loses its body for good ({@code recalled_at} set, body and nonce dropped) and a {@code
 * recall} message {@code {messageId, seq}} is stored with a new seq (pushed like any message).
 * Idempotent: recalling again answers the same recall message.
 */
@Service
@EnableConfigurationProperties(RecallProperties.class)
class RecallService {

  private final R2dbcMessageStore store;
  private final ConversationAccess access;
  private final RecallProperties properties;
  private final TransactionalOperator tx;

  RecallService(
      R2dbcMessageStore store,
      ConversationAccess access,
      RecallProperties properties,
      ReactiveTransactionManager transactions) {
    this.store = store;
    this.access = access;
    this.properties = properties;
    this.tx = TransactionalOperator.create(transactions);
  }

  Mono<StoredMessage> recall(String userId, String deviceId, String messageId) {
    return tx.transactional(
        Mono.defer(
            () ->
                store
                    .lockForRecall(messageId, properties.recallWindow())
                    .switchIfEmpty(
                        Mono.error(ApiException.notFound(ErrorCodes.NOT_FOUND, "No such message.")))
                    .flatMap(
                        target -> {
                          if (!target.senderId().equals(userId)) {
                            return Mono.error(
                                ApiException.forbidden(
                                    ErrorCodes.FORBIDDEN, "Only the sender may recall a message."));
                          }
                          if (MessageKinds.SERVER.contains(target.kind())) {
                            return Mono.error(
                                ApiException.forbidden(
                                    ErrorCodes.FORBIDDEN,
                                    "Messages written by the server cannot be recalled."));
                          }
                          if (target.recallSeq() != null) {
                            return store.bySeq(target.conversationId(), target.recallSeq());
                          }
                          if (target.expired()) {
                            return Mono.error(
                                ApiException.conflict(
                                    ErrorCodes.RECALL_EXPIRED,
                                    "Messages can be recalled within "
                                        + properties.recallWindow().toSeconds()
                                        + " seconds of sending."));
                          }
                          Map<String, Object> body = new LinkedHashMap<>();
                          body.put("messageId", target.messageId());
                          body.put("seq", target.seq());
                          return access
                              .requireMember(target.conversationId(), userId)
                              .then(
                                  store.append(
                                      List.of(
                                          new NewMessage(
                                              store.newMessageId(),
                                              target.conversationId(),
                                              userId,
                                              deviceId,
                                              null,
                                              "recall",
                                              body))))
                              .flatMap(
                                  stored ->
                                      store
                                          .markRecalled(
                                              target.conversationId(),
                                              target.seq(),
                                              stored.get(0).seq())
                                          .thenReturn(stored.get(0)));
                        })));
  }
}
