package com.parley.im.relation.request;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.SecureIds;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.Destinations;
import com.parley.im.events.FriendRequestAccepted;
import com.parley.im.events.FriendRequestCancelled;
import com.parley.im.events.FriendRequestRejected;
import com.parley.im.events.FriendRequestSent;
import com.parley.im.relation.Ids;
import com.parley.im.relation.RelationErrors;
import com.parley.im.relation.RelationProperties;
import com.parley.im.relation.graph.FriendRequestRow;
import com.parley.im.relation.graph.Pair;
import com.parley.im.relation.graph.RelationStore;
import com.parley.im.relation.request.FriendRequestRecords.FriendRequest;
import com.parley.im.relation.request.FriendRequestRecords.SendFriendRequest;
import com.parley.im.relation.request.FriendRequestRecords.Sent;
import com.parley.im.relation.user.KnownUsers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Friend requests: send (with the duplicate and mutual cases), accept, reject, cancel, list.
 *
 * <p>Promises: every change and its event commit in one transaction (outbox). All changes between
 * two users are serialised by a lock on their pair ({@link RelationStore#lock}), and each decision
 * is taken after that lock, on fresh data: two users who send each other requests at the same time
 * end up with exactly one friendship (the second request finds the first and accepts it), and a
 * request is accepted, rejected or cancelled at most once.
 */
@Service
class FriendRequestService {

  private final RelationStore store;
  private final KnownUsers users;
  private final Outbox outbox;
  private final SecureIds ids;
  private final RelationProperties properties;
  private final TransactionalOperator tx;

  FriendRequestService(
      RelationStore store,
      KnownUsers users,
      Outbox outbox,
      SecureIds ids,
      RelationProperties properties,
      ReactiveTransactionManager transactions) {
    this.store = store;
    this.users = users;
    this.outbox = outbox;
    this.ids = ids;
    this.properties = properties;
    this.tx = TransactionalOperator.create(transactions);
  }

  /**
   * Sends a request from {@code me}. Refused: to yourself (400), to an unknown user (404), to
   * someone who blocked you (403 {@code blocked}), to someone you blocked (409), to a friend (409).
   * A pending request of yours to the same user is answered again (not created twice); a pending
   * request of theirs to you is accepted at once, and your request is stored as accepted.
   */
  Mono<Sent> send(UUID me, SendFriendRequest request) {
    String message;
    try {
      message = message(request.message());
    } catch (ApiException e) {
      return Mono.error(e);
    }
    UUID to = Ids.parse(request.toUserId()).orElse(null);
    if (to == null) {
      return Mono.error(RelationErrors.noSuchUser());
    }
    if (to.equals(me)) {
      return Mono.error(RelationErrors.befriendSelf());
    }
    return users
        .existsWithin(to, properties.unknownUserGrace())
        .flatMap(
            known ->
                known
                    ? tx.transactional(sendLocked(me, to, message))
                    : Mono.error(RelationErrors.noSuchUser()));
  }

  private Mono<Sent> sendLocked(UUID me, UUID to, String message) {
    Pair pair = Pair.of(me, to);
    return store
        .lock(pair)
        .flatMap(
            now ->
                refuseIf(store.blocked(to, me), RelationErrors::blocked)
                    .then(refuseIf(store.blocked(me, to), RelationErrors::blockedByYou))
                    .then(refuseIf(store.friends(pair), RelationErrors::alreadyFriends))
                    .then(
                        store
                            .pending(me, to)
                            .map(existing -> new Sent(FriendRequest.of(existing), false))
                            .switchIfEmpty(
                                Mono.defer(
                                    () ->
                                        store
                                            .pending(to, me)
                                            .flatMap(theirs -> acceptMutual(theirs, message, now))
                                            .switchIfEmpty(
                                                Mono.defer(
                                                    () -> createPending(me, to, message, now)))))));
  }

  private Mono<Sent> createPending(UUID me, UUID to, String message, Instant now) {
    FriendRequestRow row =
        new FriendRequestRow(ids.uuid(), me, to, message, FriendRequestRow.PENDING, now);
    return store
        .insertRequest(row)
        .flatMap(
            created ->
                users
                    .displayNames(List.of(me))
                    .flatMap(
                        names ->
                            outbox.append(
                                Destinations.FRIEND_REQUEST_SENT,
                                new FriendRequestSent(
                                    ids.eventId(),
                                    now,
                                    created.id().toString(),
                                    me.toString(),
                                    to.toString(),
                                    message,
                                    now,
                                    names.get(me))))
                    .thenReturn(new Sent(FriendRequest.of(created), true)));
  }

  /** {@code theirs} is pending to the caller: accept it, and store the caller's as accepted. */
  private Mono<Sent> acceptMutual(FriendRequestRow theirs, String message, Instant now) {
    UUID me = theirs.toUserId();
    FriendRequestRow mine =
        new FriendRequestRow(
            ids.uuid(), me, theirs.fromUserId(), message, FriendRequestRow.ACCEPTED, now);
    return store
        .decide(theirs.id(), FriendRequestRow.ACCEPTED, now)
        .flatMap(accepted -> befriend(accepted, true, now))
        .then(store.insertRequest(mine))
        .map(row -> new Sent(FriendRequest.of(row), true));
  }

  /** Makes the friendship of an accepted request and appends {@link FriendRequestAccepted}. */
  private Mono<Void> befriend(FriendRequestRow accepted, boolean mutual, Instant now) {
    Pair pair = Pair.of(accepted.fromUserId(), accepted.toUserId());
    return store
        .befriend(pair, now, accepted.id())
        .filter(Boolean::booleanValue)
        .flatMap(created -> users.displayNames(List.of(accepted.fromUserId(), accepted.toUserId())))
        .flatMap(
            (Map<UUID, String> names) ->
                outbox.append(
                    Destinations.FRIEND_REQUEST_ACCEPTED,
                    new FriendRequestAccepted(
                        ids.eventId(),
                        now,
                        accepted.id().toString(),
                        accepted.fromUserId().toString(),
                        accepted.toUserId().toString(),
                        now,
                        mutual,
                        names.get(accepted.fromUserId()),
                        names.get(accepted.toUserId()))));
  }

  /** Accepts a pending request to {@code me}; accepting an accepted one again answers it as is. */
  Mono<FriendRequest> accept(UUID me, String requestId) {
    return decideAsRecipient(
        me, requestId, FriendRequestRow.ACCEPTED, (row, now) -> befriend(row, false, now));
  }

  /** Rejects a pending request to {@code me}; rejecting a rejected one again answers it as is. */
  Mono<FriendRequest> reject(UUID me, String requestId) {
    return decideAsRecipient(
        me,
        requestId,
        FriendRequestRow.REJECTED,
        (row, now) ->
            outbox.append(
                Destinations.FRIEND_REQUEST_REJECTED,
                new FriendRequestRejected(
                    ids.eventId(),
                    now,
                    row.id().toString(),
                    row.fromUserId().toString(),
                    row.toUserId().toString())));
  }

  /** Withdraws a pending request of {@code me}; cancelling a cancelled one again is fine. */
  Mono<Void> cancel(UUID me, String requestId) {
    return decide(
            me,
            requestId,
            FriendRequestRow.CANCELLED,
            row -> row.fromUserId().equals(me),
            RelationErrors::notSender,
            (row, now) ->
                outbox.append(
                    Destinations.FRIEND_REQUEST_CANCELLED,
                    new FriendRequestCancelled(
                        ids.eventId(),
                        now,
                        row.id().toString(),
                        row.fromUserId().toString(),
                        row.toUserId().toString())))
        .then();
  }

  private Mono<FriendRequest> decideAsRecipient(
      UUID me, String requestId, String status, Effect effect) {
    return decide(
        me,
        requestId,
        status,
        row -> row.toUserId().equals(me),
        RelationErrors::notRecipient,
        effect);
  }

  @FunctionalInterface
  private interface Effect {
    Mono<Void> apply(FriendRequestRow decided, Instant now);
  }

  /**
   * Moves a request to {@code status} when the caller may: a request that involves the caller in
   * the other role is refused with {@code wrongParty} (403); one that does not involve the caller
   * is not found (404), as is an unknown id. Decided under the pair's lock, on fresh data.
   */
  private Mono<FriendRequest> decide(
      UUID me,
      String requestId,
      String status,
      java.util.function.Predicate<FriendRequestRow> mayDecide,
      Supplier<ApiException> wrongParty,
      Effect effect) {
    UUID id = Ids.parse(requestId).orElse(null);
    if (id == null) {
      return Mono.error(RelationErrors.noSuchRequest());
    }
    Mono<FriendRequestRow> work =
        store
            .request(id)
            .switchIfEmpty(Mono.error(RelationErrors::noSuchRequest))
            .flatMap(
                row -> {
                  if (!row.fromUserId().equals(me) && !row.toUserId().equals(me)) {
                    return Mono.error(RelationErrors.noSuchRequest());
                  }
                  if (!mayDecide.test(row)) {
                    return Mono.error(wrongParty.get());
                  }
                  return store
                      .lock(Pair.of(row.fromUserId(), row.toUserId()))
                      .flatMap(
                          now ->
                              store
                                  .decide(id, status, now)
                                  .flatMap(
                                      decided -> effect.apply(decided, now).thenReturn(decided))
                                  .switchIfEmpty(
                                      Mono.defer(
                                          () ->
                                              store
                                                  .request(id)
                                                  .flatMap(
                                                      current ->
                                                          status.equals(current.status())
                                                              ? Mono.just(current)
                                                              : Mono.error(
                                                                  RelationErrors.notPending(
                                                                      current.status()))))));
                });
    return tx.transactional(work).map(FriendRequest::of);
  }

  /** Pending requests to ({@code incoming}) or from the caller, newest first. */
  Mono<List<FriendRequest>> list(UUID me, String direction, String status) {
    if (status != null && !FriendRequestRow.PENDING.equals(status)) {
      return Mono.error(RelationErrors.invalid("status must be pending"));
    }
    boolean incoming;
    if (direction == null || "incoming".equals(direction)) {
      incoming = true;
    } else if ("outgoing".equals(direction)) {
      incoming = false;
    } else {
      return Mono.error(RelationErrors.invalid("direction must be incoming or outgoing"));
    }
    return store.pendingOf(me, incoming, properties.listMax()).map(FriendRequest::of).collectList();
  }

  /** Stripped; empty means none. Refuses control characters other than line breaks and tabs. */
  private String message(String raw) {
    if (raw == null) {
      return null;
    }
    String message = raw.strip();
    if (message.isEmpty()) {
      return null;
    }
    if (message.codePointCount(0, message.length()) > properties.messageMaxLength()) {
      throw RelationErrors.invalid(
          "message must be at most " + properties.messageMaxLength() + " characters");
    }
    if (message
        .chars()
        .anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
      throw RelationErrors.invalid("message must not contain control characters");
    }
    return message;
  }

  private static Mono<Void> refuseIf(Mono<Boolean> condition, Supplier<ApiException> refusal) {
    return condition.flatMap(yes -> yes ? Mono.error(refusal.get()) : Mono.empty());
  }
}
