package com.parley.im.message.send;

import com.parley.im.defaults.ApiException;
import com.parley.im.message.conversation.ConversationAccess;
import com.parley.im.message.conversation.ConversationAccess.Sender;
import com.parley.im.message.send.SendBatcher.Accepted;
import com.parley.im.message.store.R2dbcMessageStore;
import com.parley.im.message.store.R2dbcMessageStore.IdempotencyKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sending, for both entrances (internal endpoint and REST): checks each send, then hands the
 * accepted ones to the {@link SendBatcher}, and answers one {@link SendOutcome} per send in the
 * order given.
 *
 * <p>The checks, in order: the kind and body ({@link MessageValidator}, with the sensitive-word
 * filter); the sender's rate ({@link SendRateLimiter}, one Redis call for the list) and, at the
 * same time, {@link ConversationAccess#refusedSenders} (one query for the list); then, for media
 * kinds, {@link MediaCatalog#requireUpload}. A send whose access check fails but that was stored
 * before (a late resend after an unfriending) is answered with the first message, as PROTOCOL.md
 * promises for every resend. The accepted sends enter the batcher together and in list order, so a
 * device's sends keep their order whatever the checks' timing.
 */
@Service
public class SendService {

  private static final Logger log = LoggerFactory.getLogger(SendService.class);
  private static final int CHECK_CONCURRENCY = 32;

  private final MessageValidator validator;
  private final SendRateLimiter rateLimiter;
  private final ConversationAccess access;
  private final MediaCatalog media;
  private final SendBatcher batcher;
  private final R2dbcMessageStore store;

  SendService(
      MessageValidator validator,
      SendRateLimiter rateLimiter,
      ConversationAccess access,
      MediaCatalog media,
      SendBatcher batcher,
      R2dbcMessageStore store) {
    this.validator = validator;
    this.rateLimiter = rateLimiter;
    this.access = access;
    this.media = media;
    this.batcher = batcher;
    this.store = store;
  }

  private record Checked(int index, Accepted accepted, SendOutcome outcome) {}

  /** One outcome per send, in the order of {@code sends}. */
  public Mono<List<SendOutcome>> send(List<SendCommand> sends) {
    SendOutcome[] outcomes = new SendOutcome[sends.size()];
    List<Integer> validIndexes = new ArrayList<>();
    List<MessageValidator.Valid> valid = new ArrayList<>();
    for (int i = 0; i < sends.size(); i++) {
      try {
        valid.add(validator.validate(sends.get(i)));
        validIndexes.add(i);
      } catch (ApiException e) {
        outcomes[i] = SendOutcome.refused(e);
      }
    }
    // One access query for the list: a device's pipelined sends share their sender's row.
    List<Sender> senders =
        validIndexes.stream()
            .map(i -> new Sender(sends.get(i).conversationId(), sends.get(i).userId()))
            .toList();
    return rateLimiter
        .take(validIndexes.stream().map(i -> sends.get(i).userId()).toList())
        .zipWith(
            access
                .refusedSenders(senders)
                .map(Optional::of)
                // The database failed: every send of the list is refused service_unavailable.
                .onErrorResume(
                    e -> !(e instanceof ApiException),
                    e -> {
                      log.warn("Checking the senders of {} sends failed: {}", senders.size(), e);
                      return Mono.just(Optional.empty());
                    }))
        .flatMapMany(
            decided ->
                Flux.range(0, validIndexes.size())
                    .flatMapSequential(
                        j -> {
                          int i = validIndexes.get(j);
                          long wait = decided.getT1().waitMs().get(j);
                          if (wait > 0) {
                            return Mono.just(
                                new Checked(
                                    i,
                                    null,
                                    SendOutcome.rateLimited(SendErrors.rateLimited(), wait)));
                          }
                          Mono<Void> access = accessOf(decided.getT2(), senders.get(j));
                          return check(i, sends.get(i), valid.get(j), access);
                        },
                        CHECK_CONCURRENCY))
        .collectList()
        .flatMap(
            checked -> {
              List<Accepted> accepted = new ArrayList<>();
              List<Integer> acceptedIndexes = new ArrayList<>();
              for (Checked c : checked) {
                if (c.accepted() != null) {
                  accepted.add(c.accepted());
                  acceptedIndexes.add(c.index());
                } else {
                  outcomes[c.index()] = c.outcome();
                }
              }
              return batcher
                  .submit(accepted)
                  .index()
                  .doOnNext(t -> outcomes[acceptedIndexes.get(t.getT1().intValue())] = t.getT2())
                  .then(Mono.fromSupplier(() -> Arrays.asList(outcomes)));
            });
  }

  /** The sender's access check: passed, refused, or failed with the query ({@code empty}). */
  private static Mono<Void> accessOf(Optional<Map<Sender, ApiException>> refused, Sender sender) {
    if (refused.isEmpty()) {
      return Mono.error(new IllegalStateException("the access check failed"));
    }
    ApiException refusal = refused.get().get(sender);
    return refusal == null ? Mono.empty() : Mono.error(refusal);
  }

  /** The send's remaining checks after its access check ({@code access}), and its outcome. */
  private Mono<Checked> check(
      int index, SendCommand send, MessageValidator.Valid valid, Mono<Void> access) {
    Mono<Void> checks = access;
    if (valid.mediaId() != null) {
      checks = checks.then(media.requireUpload(valid.mediaId(), send.userId()));
    }
    return checks
        .then(Mono.fromSupplier(() -> new Checked(index, new Accepted(send, valid.body()), null)))
        .onErrorResume(
            ApiException.class,
            refusal ->
                store
                    .findByIdempotencyKeys(
                        List.of(new IdempotencyKey(send.userId(), send.clientMsgId())))
                    .map(
                        found ->
                            found.isEmpty()
                                ? new Checked(index, null, SendOutcome.refused(refusal))
                                : new Checked(
                                    index,
                                    null,
                                    SendOutcome.stored(found.values().iterator().next(), false))))
        .onErrorResume(
            e -> !(e instanceof ApiException),
            e -> {
              // A dependency failed (database, media-service client): this send is refused with
              // service_unavailable (the client resends); the others of the list go on.
              log.warn("Checking a send failed: {}", e.toString());
              return Mono.just(new Checked(index, null, SendOutcome.refused(SendErrors.busy())));
            });
  }
}
