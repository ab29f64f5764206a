package com.parley.im.message.store;

import com.parley.im.defaults.SecureIds;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.Destinations;
import com.parley.im.events.MessageStored;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.Readable;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link MessageStore} over PostgreSQL (schema V2): every write runs in the caller's
 * transaction, with one statement per batch for each step (seq allocation, insert, sender's read
 * position), never one per message.
 *
 * <p>Promises (with {@link MessageStore}): seqs are allocated by {@code update conversation set
 * last_seq = last_seq + n ... returning last_seq} in the inserting transaction, so they are gapless
 * and a seq is never visible before its message; messages of one {@link #append} call that share a
 * conversation get consecutive seqs in list order; each message has a {@code MessageStored} in the
 * outbox of the same transaction; the sender's {@code read_seq} moves to the seq of the message it
 * sent (never backwards). Bodies are sealed with the {@link MessageKeyRing} before they leave the
 * JVM and opened when read; a recalled message reads with a null body.
 */
@Repository
public class R2dbcMessageStore implements MessageStore {

  /** Sender and client message id: the idempotency key of a message. */
  public record IdempotencyKey(String senderId, String clientMsgId) {}

  /** What recall needs to know about a message, read under its row lock. */
  public record RecallTarget(
      String messageId,
      String conversationId,
      long seq,
      String senderId,
      String kind,
      Long recallSeq,
      boolean expired) {}

  static final String COLUMNS =
      "m.conversation_id, m.seq, m.id, m.sender_id, m.sender_device_id, m.client_msg_id, m.kind,"
          + " m.key_id, m.nonce, m.body, m.created_at, m.recalled_at";

  private final DatabaseClient db;
  private final Outbox outbox;
  private final MessageKeyRing keys;
  private final JsonMapper json;
  private final SecureIds ids;

  public R2dbcMessageStore(
      DatabaseClient db, Outbox outbox, MessageKeyRing keys, JsonMapper json, SecureIds ids) {
    this.db = db;
    this.outbox = outbox;
    this.keys = keys;
    this.json = json;
    this.ids = ids;
  }

  /** A new message id. */
  public String newMessageId() {
    return ids.uuid().toString();
  }

  @Override
  public Mono<StoredMessage> appendSystem(
      String conversationId, String actorId, Map<String, Object> body) {
    return append(
            List.of(
                new NewMessage(
                    newMessageId(), conversationId, actorId, null, null, "system", body)))
        .map(stored -> stored.get(0));
  }

  @Override
  public Mono<Map<String, StoredMessage>> latest(Collection<String> conversationIds) {
    if (conversationIds.isEmpty()) {
      return Mono.just(Map.of());
    }
    return db.sql(
            "select "
                + COLUMNS
                + " from conversation c join message m"
                + " on m.conversation_id = c.id and m.seq = c.last_seq"
                + " where c.id = any(:ids)")
        .bind("ids", conversationIds.toArray(String[]::new))
        .map(this::read)
        .all()
        .collectMap(StoredMessage::conversationId, m -> m);
  }

  /**
   * Locks the rows of these conversations in id order (so that two transactions over overlapping
   * sets cannot deadlock) and answers the ids that exist. Call it before {@link #append} when one
   * transaction stores into several conversations.
   */
  public Mono<Set<String>> lockConversations(Collection<String> conversationIds) {
    if (conversationIds.isEmpty()) {
      return Mono.just(Set.of());
    }
    return db.sql("select id from conversation where id = any(:ids) order by id for update")
        .bind("ids", conversationIds.toArray(String[]::new))
        .map(row -> row.get("id", String.class))
        .all()
        .collect(Collectors.toSet());
  }

  /** What {@link #lockConversationsAndFindResent} found: the conversations, and the resends. */
  public record Locked(Set<String> conversations, Map<IdempotencyKey, StoredMessage> resent) {}

  private record LockedRow(String[] locked, StoredMessage resent) {}

  private StoredMessage resentOf(Readable row) {
    return row.get("id", String.class) == null ? null : read(row);
  }

  /**
   * {@link #lockConversations} and {@link #findByIdempotencyKeys} in one statement (one round trip
   * less per send batch). The look-up reads the statement's snapshot, taken before the locks were
   * granted: a first send of the same key that another transaction committed while this one waited
   * for a lock is not found, and this transaction's insert then fails on the unique index; the
   * caller retries (the retry finds it). Without a concurrent writer of the same keys (one send
   * batch at a time per instance) it finds what the two statements find.
   */
  public Mono<Locked> lockConversationsAndFindResent(
      Collection<String> conversationIds, Collection<IdempotencyKey> keysToFind) {
    if (conversationIds.isEmpty()) {
      return findByIdempotencyKeys(keysToFind).map(resent -> new Locked(Set.of(), resent));
    }
    return db.sql(
            "with locked as (select id from conversation where id = any(:ids) order by id"
                + " for update)"
                + " select (select array_agg(id) from locked) as locked, "
                + COLUMNS
                + " from (select 1) as one left join (unnest(:us::text[], :ks::text[]) as k(u, c)"
                + " join message m on m.sender_id = k.u and m.client_msg_id = k.c) on true")
        .bind("ids", conversationIds.toArray(String[]::new))
        .bind("us", keysToFind.stream().map(IdempotencyKey::senderId).toArray(String[]::new))
        .bind("ks", keysToFind.stream().map(IdempotencyKey::clientMsgId).toArray(String[]::new))
        // Every row carries the locked ids (null when none); a row without a message id is the
        // one row of a look-up that found nothing.
        .map(row -> new LockedRow(row.get("locked", String[].class), resentOf(row)))
        .all()
        .collectList()
        .map(
            rows -> {
              String[] locked = rows.isEmpty() ? null : rows.get(0).locked();
              Map<IdempotencyKey, StoredMessage> resent = new HashMap<>();
              for (LockedRow r : rows) {
                if (r.resent() != null) {
                  StoredMessage m = r.resent();
                  resent.put(new IdempotencyKey(m.senderId(), m.clientMsgId()), m);
                }
              }
              return new Locked(locked == null ? Set.of() : Set.of(locked), resent);
            });
  }

  /**
   * Stores messages in the caller's (open) transaction and answers them as stored, in list order.
   * Allocates the seqs of each conversation in list order; errors with {@link
   * IllegalStateException} if a conversation does not exist. The unique index on {@code (sender_id,
   * client_msg_id)} errors the whole statement on a duplicate (callers look resends up first, under
   * the conversation locks).
   */
  public Mono<List<StoredMessage>> append(List<NewMessage> messages) {
    if (messages.isEmpty()) {
      return Mono.just(List.of());
    }
    Map<String, Integer> counts = new TreeMap<>();
    for (NewMessage message : messages) {
      counts.merge(message.conversationId(), 1, Integer::sum);
    }
    return allocate(counts)
        .flatMap(
            allocation -> {
              Map<String, Long> next = new HashMap<>();
              allocation.lastSeqs.forEach(
                  (conversation, last) ->
                      next.put(conversation, last - counts.get(conversation) + 1));
              List<StoredMessage> stored = new ArrayList<>(messages.size());
              List<MessageKeyRing.Sealed> sealed = new ArrayList<>(messages.size());
              for (NewMessage message : messages) {
                long seq = next.merge(message.conversationId(), 1L, Long::sum) - 1;
                stored.add(
                    new StoredMessage(
                        message.messageId(),
                        message.conversationId(),
                        seq,
                        message.senderId(),
                        message.senderDeviceId(),
                        message.clientMsgId(),
                        message.kind(),
                        message.body(),
                        allocation.now,
                        null));
                sealed.add(
                    message.body() == null
                        ? null
                        : keys.seal(message.messageId(), json.writeValueAsBytes(message.body())));
              }
              List<MessageStored> events = stored.stream().map(this::event).toList();
              // The events in the same statement as the rows; the relay is woken after the commit.
              return write(stored, sealed, events, messages)
                  .then(outbox.wakeRelayAfterCommit())
                  .thenReturn(List.copyOf(stored));
            });
  }

  private record Allocation(Map<String, Long> lastSeqs, Instant now) {}

  private Mono<Allocation> allocate(Map<String, Integer> counts) {
    GenericExecuteSpec spec;
    if (counts.size() == 1) {
      var only = counts.entrySet().iterator().next();
      spec =
          db.sql(
                  "update conversation set last_seq = last_seq + :n, updated_at = now(),"
                      + " change_xid = pg_current_xact_id() where id = :id"
                      + " returning id, last_seq, now() as now")
              .bind("n", only.getValue().longValue())
              .bind("id", only.getKey());
    } else {
      spec =
          db.sql(
                  "update conversation c set last_seq = c.last_seq + v.n, updated_at = now(),"
                      + " change_xid = pg_current_xact_id()"
                      + " from unnest(:ids::text[], :ns::bigint[]) as v(id, n) where c.id = v.id"
                      + " returning c.id, c.last_seq, now() as now")
              .bind("ids", counts.keySet().toArray(String[]::new))
              .bind("ns", counts.values().stream().map(Integer::longValue).toArray(Long[]::new));
    }
    return spec.map(
            row ->
                Map.entry(
                    row.get("id", String.class),
                    Map.entry(row.get("last_seq", Long.class), row.get("now", Instant.class))))
        .all()
        .collectList()
        .map(
            rows -> {
              if (rows.size() != counts.size()) {
                throw new IllegalStateException(
                    "No such conversation among " + counts.keySet() + " (found " + rows + ")");
              }
              Map<String, Long> last = new HashMap<>();
              rows.forEach(r -> last.put(r.getKey(), r.getValue().getKey()));
              return new Allocation(last, rows.get(0).getValue().getValue());
            });
  }

  /**
   * One statement for the batch: the multi-row insert of the messages, the senders' read positions
   * (sending moves {@code read_seq} to the message, never backwards: PROTOCOL.md's unread counts)
   * and all but the last {@code MessageStored} event, in list order (seq order per conversation:
   * the relay publishes and fans out in outbox id order).
   */
  private Mono<Void> write(
      List<StoredMessage> stored,
      List<MessageKeyRing.Sealed> sealed,
      List<MessageStored> events,
      List<NewMessage> messages) {
    StringBuilder sql =
        new StringBuilder(
            "with inserted as (insert into message (conversation_id, seq, id, sender_id,"
                + " sender_device_id, client_msg_id, kind, key_id, nonce, body, created_at) values ");
    for (int i = 0; i < stored.size(); i++) {
      if (i > 0) {
        sql.append(", ");
      }
      sql.append(
          String.format(
              "(:c%1$d, :s%1$d, :i%1$d, :u%1$d, :d%1$d, :k%1$d, :t%1$d, :y%1$d, :n%1$d, :b%1$d,"
                  + " :a%1$d)",
              i));
    }
    sql.append(
        " returning 1), read as (update member m set read_seq = v.s,"
            + " change_xid = pg_current_xact_id()"
            + " from unnest(:rc::text[], :ru::text[], :rs::bigint[]) as v(c, u, s)"
            + " where m.conversation_id = v.c and m.user_id = v.u and m.read_seq < v.s"
            + " returning 1), events as (insert into outbox_event (event_id, destination, event_type, payload,"
            + " traceparent, routing_key) select e, :destination, :type, p, tp, rk"
            + " from unnest(:ei::text[], :ep::text[], :et::text[], :er::text[]) with ordinality"
            + " as t(e, p, tp, rk, n) order by n"
            + " returning 1)");
    sql.append(" select count(*) from inserted");
    // All parameters bound at once: each bind() copies the spec's parameters, so binding the
    // eleven columns of 64 rows one by one copied them thousands of times per batch.
    Map<String, Object> params = new HashMap<>(stored.size() * 16 + 16);
    for (int i = 0; i < stored.size(); i++) {
      StoredMessage m = stored.get(i);
      MessageKeyRing.Sealed s = sealed.get(i);
      params.put("c" + i, m.conversationId());
      params.put("s" + i, m.seq());
      params.put("i" + i, m.messageId());
      params.put("u" + i, m.senderId());
      params.put("t" + i, m.kind());
      params.put("a" + i, m.createdAt());
      params.put("d" + i, orNull(m.senderDeviceId(), String.class));
      params.put("k" + i, orNull(m.clientMsgId(), String.class));
      params.put("y" + i, s == null ? Parameters.in(String.class) : s.keyId());
      params.put("n" + i, s == null ? Parameters.in(ByteBuffer.class) : ByteBuffer.wrap(s.nonce()));
      params.put(
          "b" + i, s == null ? Parameters.in(ByteBuffer.class) : ByteBuffer.wrap(s.ciphertext()));
    }
    Map<List<String>, Long> highest = new LinkedHashMap<>();
    for (StoredMessage m : stored) {
      highest.merge(List.of(m.conversationId(), m.senderId()), m.seq(), Math::max);
    }
    params.put("rc", highest.keySet().stream().map(k -> k.get(0)).toArray(String[]::new));
    params.put("ru", highest.keySet().stream().map(k -> k.get(1)).toArray(String[]::new));
    params.put("rs", highest.values().toArray(Long[]::new));
    params.put("destination", Destinations.MESSAGE_STORED);
    params.put("type", MessageStored.class.getSimpleName());
    params.put("ei", events.stream().map(MessageStored::eventId).toArray(String[]::new));
    params.put("ep", events.stream().map(json::writeValueAsString).toArray(String[]::new));
    // Each message's trace context (ADR 0028), null for the unsampled ones.
    params.put("et", messages.stream().map(NewMessage::traceparent).toArray(String[]::new));
    params.put("er", events.stream().map(R2dbcMessageStore::routingKey).toArray(String[]::new));
    GenericExecuteSpec spec = db.sql(sql.toString()).bindValues(params);
    return spec.map(row -> row.get(0, Long.class)).one().then();
  }

  /** The value, or a typed null parameter. */
  private static Object orNull(Object value, Class<?> type) {
    return value == null ? Parameters.in(type) : value;
  }

  private MessageStored event(StoredMessage m) {
    return new MessageStored(
        ids.eventId(),
        m.createdAt(),
        m.messageId(),
        m.conversationId(),
        m.seq(),
        m.senderId(),
        m.senderDeviceId(),
        m.clientMsgId(),
        m.kind(),
        m.createdAt(),
        mediaIdOf(m));
  }

  /**
   * The routing key of a {@code message-stored} event: {@value MessageStored#MEDIA_ROUTING_KEY}
   * when it carries a {@code mediaId} (media-service's queue is bound to those only, ADR 0032),
   * else the destination (null).
   */
  private static String routingKey(MessageStored event) {
    return event.mediaId() == null ? null : MessageStored.MEDIA_ROUTING_KEY;
  }

  /** The {@code mediaId} of a media message's body, for media-service's access rights. */
  private static String mediaIdOf(StoredMessage m) {
    return m.body() != null && m.body().get("mediaId") instanceof String id ? id : null;
  }

  /** The messages already stored under these idempotency keys (resends), by key. */
  public Mono<Map<IdempotencyKey, StoredMessage>> findByIdempotencyKeys(
      Collection<IdempotencyKey> keysToFind) {
    if (keysToFind.isEmpty()) {
      return Mono.just(Map.of());
    }
    return db.sql(
            "select "
                + COLUMNS
                + " from unnest(:us::text[], :ks::text[]) as k(u, c)"
                + " join message m on m.sender_id = k.u and m.client_msg_id = k.c")
        .bind("us", keysToFind.stream().map(IdempotencyKey::senderId).toArray(String[]::new))
        .bind("ks", keysToFind.stream().map(IdempotencyKey::clientMsgId).toArray(String[]::new))
        .map(this::read)
        .all()
        .collectMap(m -> new IdempotencyKey(m.senderId(), m.clientMsgId()), m -> m);
  }

  /**
   * A page of a conversation, ascending by seq, never below {@code fromSeq}: after {@code afterSeq}
   * (the first {@code limit} after it), or before {@code beforeSeq} (the {@code limit} just before
   * it), or, with neither, the newest {@code limit}.
   */
  public Flux<StoredMessage> page(
      String conversationId, long fromSeq, Long afterSeq, Long beforeSeq, int limit) {
    if (afterSeq != null) {
      return db.sql(
              "select "
                  + COLUMNS
                  + " from message m where m.conversation_id = :c and m.seq > :after"
                  + " order by m.seq limit :l")
          .bind("c", conversationId)
          .bind("after", Math.max(afterSeq, fromSeq - 1))
          .bind("l", limit)
          .map(this::read)
          .all();
    }
    String upper = beforeSeq != null ? " and m.seq < :before" : "";
    GenericExecuteSpec spec =
        db.sql(
                "select "
                    + COLUMNS
                    + " from message m where m.conversation_id = :c and m.seq >= :from"
                    + upper
                    + " order by m.seq desc limit :l")
            .bind("c", conversationId)
            .bind("from", fromSeq)
            .bind("l", limit);
    if (beforeSeq != null) {
      spec = spec.bind("before", beforeSeq);
    }
    return spec.map(this::read)
        .all()
        .collectList()
        .flatMapMany(
            rows -> {
              List<StoredMessage> ascending = new ArrayList<>(rows);
              java.util.Collections.reverse(ascending);
              return Flux.fromIterable(ascending);
            });
  }

  /** The messages with these ids (one query), in no particular order. */
  public Flux<StoredMessage> byIds(Collection<String> messageIds) {
    if (messageIds.isEmpty()) {
      return Flux.empty();
    }
    return db.sql("select " + COLUMNS + " from message m where m.id = any(:ids)")
        .bind("ids", messageIds.toArray(String[]::new))
        .map(this::read)
        .all();
  }

  /** One message, by conversation and seq. */
  public Mono<StoredMessage> bySeq(String conversationId, long seq) {
    return db.sql(
            "select " + COLUMNS + " from message m where m.conversation_id = :c and m.seq = :s")
        .bind("c", conversationId)
        .bind("s", seq)
        .map(this::read)
        .one();
  }

  /**
   * Locks a message's row for a recall (in the caller's transaction) and says whether it is older
   * than {@code window} by the database's clock; empty when there is no such message.
   */
  public Mono<RecallTarget> lockForRecall(String messageId, java.time.Duration window) {
    return db.sql(
            "select id, conversation_id, seq, sender_id, kind, recall_seq,"
                + " created_at < now() - make_interval(secs => :secs) as expired"
                + " from message where id = :id for update")
        .bind("id", messageId)
        .bind("secs", window.toMillis() / 1000.0)
        .map(
            row ->
                new RecallTarget(
                    row.get("id", String.class),
                    row.get("conversation_id", String.class),
                    row.get("seq", Long.class),
                    row.get("sender_id", String.class),
                    row.get("kind", String.class),
                    row.get("recall_seq", Long.class),
                    Boolean.TRUE.equals(row.get("expired", Boolean.class))))
        .one();
  }

  /**
   * Marks a message recalled by the {@code recall} message with seq {@code recallSeq}: drops its
   * body, nonce and key id for good (caller's transaction).
   */
  public Mono<Void> markRecalled(String conversationId, long seq, long recallSeq) {
    return db.sql(
            "update message set recalled_at = now(), recall_seq = :r, body = null, nonce = null,"
                + " key_id = null where conversation_id = :c and seq = :s")
        .bind("c", conversationId)
        .bind("s", seq)
        .bind("r", recallSeq)
        .then();
  }

  @SuppressWarnings("unchecked")
  private StoredMessage read(Readable row) {
    String messageId = row.get("id", String.class);
    ByteBuffer body = row.get("body", ByteBuffer.class);
    Map<String, Object> plain = null;
    if (body != null) {
      byte[] opened =
          keys.open(
              messageId,
              row.get("key_id", String.class),
              MessageKeyRing.bytes(row.get("nonce", ByteBuffer.class)),
              MessageKeyRing.bytes(body));
      plain = json.readValue(opened, Map.class);
    }
    return new StoredMessage(
        messageId,
        row.get("conversation_id", String.class),
        row.get("seq", Long.class),
        row.get("sender_id", String.class),
        row.get("sender_device_id", String.class),
        row.get("client_msg_id", String.class),
        row.get("kind", String.class),
        plain,
        row.get("created_at", Instant.class),
        row.get("recalled_at", Instant.class));
  }
}
