package com.parley.im.message.position;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.events.Destinations;
import com.parley.im.events.ReadPositionMoved;
import com.parley.im.message.conversation.ConversationAccess;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.protocol.Frames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Durable positions: per device "has everything up to {@code delivered_seq}" ({@code
 * device_position}), per user "has read up to {@code read_seq}" ({@code member.read_seq}), and the
 * {@code receipt} frames that announce them.
 *
 * <p>Promises: positions never move backwards and never pass the conversation's {@code last_seq} (a
 * seq beyond it is clamped); only active members move them (others are refused with {@code
 * not_member} or, for {@code recv}, ignored); a replayed or reordered frame changes nothing more. A
 * read position that moved is announced by {@code ReadPositionMoved} through the outbox in the same
 * transaction (exactly one event per move), and by a {@code receipt} with {@code readSeq} to every
 * active member's devices (the reader's other devices too, so they sync; not the device that read).
 * A delivered position that moved the user's highest position across their devices is announced by
 * a {@code receipt} with {@code deliveredSeq} to the other active members, except in groups of more
 * than {@code im.message.receipts.delivered-group-limit} (default 20) active members, where
 * delivered receipts would multiply every message's pushes by the group size. Cannot promise: that
 * receipts arrive (they are pushes after the commit; a client learns positions again from the
 * conversation list).
 */
@Service
public class Positions {

  private static final Logger log = LoggerFactory.getLogger(Positions.class);

  // Moves each device's position if it is an active member's and the seq is ahead (clamped to the
  // conversation's last seq), one row per device (a batch may name one twice), inserted in key
  // order so that two concurrent batches lock rows in the same order. Answers each conversation
  // and user whose highest position across devices moved, with that position: the highest moved
  // device passed every device that did not move, whose positions are all in the smallest of the
  // moved devices' "others" (each device's own old position is below its new one).
  private static final String DELIVERED =
      "with wanted as ("
          + " select v.c, v.u, v.d, max(v.s) as s"
          + " from unnest(:c::text[], :u::text[], :d::text[], :s::bigint[]) as v(c, u, d, s)"
          + " group by v.c, v.u, v.d),"
          + " moved as ("
          + " insert into device_position (conversation_id, user_id, device_id, delivered_seq)"
          + " select m.conversation_id, m.user_id, w.d, least(w.s, c.last_seq)"
          + " from wanted w"
          + " join member m on m.conversation_id = w.c and m.user_id = w.u and m.left_at is null"
          + " join conversation c on c.id = m.conversation_id"
          + " where least(w.s, c.last_seq) > 0"
          + " order by m.conversation_id, m.user_id, w.d"
          + " on conflict (conversation_id, user_id, device_id) do update"
          + " set delivered_seq = excluded.delivered_seq, updated_at = now()"
          + " where device_position.delivered_seq < excluded.delivered_seq"
          + " returning conversation_id, user_id, device_id, delivered_seq),"
          // The user's other devices' highest position before this statement, per moved device.
          + " compared as ("
          + " select moved.conversation_id, moved.user_id, moved.delivered_seq,"
          + " (select coalesce(max(p.delivered_seq), 0) from device_position p"
          + "   where p.conversation_id = moved.conversation_id and p.user_id = moved.user_id"
          + "   and p.device_id <> moved.device_id) as others"
          + " from moved)"
          + " select conversation_id, user_id, max(delivered_seq), null::text from compared"
          + " group by conversation_id, user_id having max(delivered_seq) > min(others)"
          // A recv of a device whose user is not an active member: answered with an error frame.
          + " union all"
          + " select w.c, w.u, -1, w.d from wanted w where not exists (select 1 from member m"
          + "   where m.conversation_id = w.c and m.user_id = w.u and m.left_at is null)";

  private static final String READ =
      "update member m set read_seq = least(:seq, c.last_seq), change_xid = pg_current_xact_id()"
          + " from conversation c"
          + " where c.id = m.conversation_id and m.conversation_id = :conversation"
          + " and m.user_id = :user and m.left_at is null"
          + " and m.read_seq < least(:seq, c.last_seq)"
          + " returning m.read_seq";

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final Outbox outbox;
  private final ConversationAccess conversations;
  private final DeliveryPublisher deliveries;
  private final JsonMapper json;
  private final int deliveredGroupLimit;

  Positions(
      DatabaseClient db,
      ReactiveTransactionManager transactions,
      Outbox outbox,
      ConversationAccess conversations,
      DeliveryPublisher deliveries,
      JsonMapper json,
      @Value("${im.message.receipts.delivered-group-limit:20}") int deliveredGroupLimit) {
    this.db = db;
    this.tx = TransactionalOperator.create(transactions);
    this.outbox = outbox;
    this.conversations = conversations;
    this.deliveries = deliveries;
    this.json = json;
    this.deliveredGroupLimit = deliveredGroupLimit;
  }

  /** A user's read position in a conversation (the answer of the REST call). */
  public record ReadPosition(String conversationId, long readSeq) {}

  /** One {@code recv}: the device has everything of the conversation up to {@code seq}. */
  public record Recv(String conversationId, String userId, String deviceId, long seq) {}

  /**
   * Records many {@code recv}s in one statement (the frames of a batch from {@code client-frames}).
   * A device named twice counts with its highest seq; seqs of 0 or less are ignored. Completes once
   * the delivered receipts the batch calls for were pushed: one per conversation and user whose
   * highest position across devices moved, with that position; answers the recvs (seq 0) of users
   * who are not active members of their conversation, found by the same statement.
   */
  public Mono<List<Recv>> delivered(List<Recv> recvs) {
    List<Recv> wanted = recvs.stream().filter(r -> r.seq() > 0).toList();
    if (wanted.isEmpty()) {
      return Mono.just(List.of());
    }
    List<Recv> refused = new ArrayList<>();
    return db.sql(DELIVERED)
        .bind("c", wanted.stream().map(Recv::conversationId).toArray(String[]::new))
        .bind("u", wanted.stream().map(Recv::userId).toArray(String[]::new))
        .bind("d", wanted.stream().map(Recv::deviceId).toArray(String[]::new))
        .bind("s", wanted.stream().map(Recv::seq).toArray(Long[]::new))
        .map(
            row ->
                new UserDelivered(
                    row.get(0, String.class),
                    row.get(1, String.class),
                    row.get(2, Long.class),
                    row.get(3, String.class)))
        .all()
        .concatMap(
            moved -> {
              if (moved.position() < 0) {
                refused.add(new Recv(moved.conversationId(), moved.userId(), moved.deviceId(), 0));
                return Mono.just(List.<Delivery>of());
              }
              return deliveredReceipt(moved.conversationId(), moved.userId(), moved.position());
            })
        .collectList()
        .flatMap(lists -> push(lists.stream().flatMap(List::stream).toList()))
        .then(Mono.fromSupplier(() -> List.copyOf(refused)));
  }

  /** A user's highest delivered position across devices that moved. */
  private record UserDelivered(
      String conversationId, String userId, long position, String deviceId) {}

  private Mono<List<Delivery>> deliveredReceipt(
      String conversationId, String userId, long position) {
    return conversations
        .activeMembers(conversationId)
        .map(
            members -> {
              if (members.size() > deliveredGroupLimit) {
                return List.of();
              }
              String frame =
                  json.writeValueAsString(
                      new Frames.Receipt(conversationId, userId, position, null));
              List<Delivery> pushes = new ArrayList<>(members.size());
              for (String member : members) {
                if (!member.equals(userId)) {
                  pushes.add(new Delivery(member, null, frame));
                }
              }
              return pushes;
            });
  }

  /**
   * {@code read} frame and {@code POST /api/conversations/{id}/read}: moves the user's read
   * position to {@code seq} (clamped to the conversation's last seq, never backwards) and answers
   * the position afterwards. Errors 404 {@code not_member} for non-members.
   *
   * @param readingDeviceId the device that read (it gets no receipt), or null (REST: all devices)
   */
  public Mono<ReadPosition> read(
      String conversationId, String userId, String readingDeviceId, long seq) {
    if (seq < 0) {
      return Mono.error(
          ApiException.badRequest(ErrorCodes.VALIDATION_FAILED, "seq must not be negative"));
    }
    Mono<Moved> change =
        db.sql(READ)
            .bind("conversation", conversationId)
            .bind("user", userId)
            .bind("seq", seq)
            .map(row -> new Moved(row.get(0, Long.class), true))
            .one()
            .flatMap(
                moved ->
                    outbox
                        .append(
                            Destinations.READ_POSITION_MOVED,
                            new ReadPositionMoved(
                                UUID.randomUUID().toString(),
                                Instant.now(),
                                conversationId,
                                userId,
                                moved.readSeq()))
                        .thenReturn(moved))
            .switchIfEmpty(
                Mono.defer(
                    () ->
                        db.sql(
                                "select read_seq from member where conversation_id = :conversation"
                                    + " and user_id = :user and left_at is null")
                            .bind("conversation", conversationId)
                            .bind("user", userId)
                            .map(row -> new Moved(row.get(0, Long.class), false))
                            .one()
                            .switchIfEmpty(
                                Mono.error(
                                    ApiException.notFound(
                                        ErrorCodes.NOT_MEMBER,
                                        "No such conversation, or you are not a member of it")))));
    return tx.transactional(change)
        .flatMap(
            moved ->
                (moved.moved()
                        ? readReceipt(conversationId, userId, readingDeviceId, moved.readSeq())
                        : Mono.<Void>empty())
                    .thenReturn(new ReadPosition(conversationId, moved.readSeq())));
  }

  private record Moved(long readSeq, boolean moved) {}

  private Mono<Void> readReceipt(
      String conversationId, String userId, String readingDeviceId, long readSeq) {
    return conversations
        .activeMembers(conversationId)
        .flatMap(
            members -> {
              String frame =
                  json.writeValueAsString(
                      new Frames.Receipt(conversationId, userId, null, readSeq));
              List<Delivery> pushes = new ArrayList<>(members.size());
              for (String member : members) {
                pushes.add(
                    member.equals(userId)
                        ? new Delivery(member, null, readingDeviceId, null, 0, frame)
                        : new Delivery(member, null, frame));
              }
              return push(pushes);
            });
  }

  /** Receipts are best effort: a failed push is logged, the position stays moved. */
  private Mono<Void> push(List<Delivery> pushes) {
    if (pushes.isEmpty()) {
      return Mono.empty();
    }
    return deliveries
        .deliver(pushes)
        .onErrorResume(
            e -> {
              log.warn("Could not push {} receipts: {}", pushes.size(), e.toString());
              return Mono.empty();
            });
  }
}
