package com.parley.im.presence.status;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.SecureIds;
import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.defaults.outbox.Outbox;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.events.Destinations;
import com.parley.im.events.PresenceChanged;
import com.parley.im.presence.Ids;
import com.parley.im.presence.PresenceProperties;
import com.parley.im.presence.friend.Friends;
import com.parley.im.presence.route.PresenceTransitions;
import com.parley.im.presence.route.RouteTable;
import com.parley.im.protocol.ErrorCodes;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Online/offline transitions and the presence that users may see.
 *
 * <p>Promises: each transition moves {@code last_seen} (never backwards) and appends {@code
 * PresenceChanged} to the outbox in one transaction, so the event exists exactly when {@code
 * last_seen} moved; then a {@code presence} frame goes to the user's online friends. Only the user
 * and their friends see real values in {@link #presence}; anyone else reads {@code online:false,
 * lastSeenAt:null}, so presence reveals nothing to a stranger. Cannot promise: frame delivery (a
 * push is best effort; clients read {@code GET /api/presence} after reconnecting).
 */
@Service
class PresenceService implements PresenceTransitions {

  private static final Logger log = LoggerFactory.getLogger(PresenceService.class);

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final Outbox outbox;
  private final Friends friends;
  private final RouteTable routes;
  private final ObjectProvider<DeliveryPublisher> deliveries;
  private final JsonMapper json;
  private final PresenceProperties properties;
  private final SecureIds ids;

  PresenceService(
      DatabaseClient db,
      ReactiveTransactionManager transactions,
      Outbox outbox,
      Friends friends,
      RouteTable routes,
      ObjectProvider<DeliveryPublisher> deliveries,
      JsonMapper json,
      PresenceProperties properties,
      SecureIds ids) {
    this.ids = ids;
    this.db = db;
    this.tx = TransactionalOperator.create(transactions);
    this.outbox = outbox;
    this.friends = friends;
    this.routes = routes;
    this.deliveries = deliveries;
    this.json = json;
    this.properties = properties;
  }

  @Override
  public Mono<Void> changed(String userId, boolean online, Instant when) {
    // PostgreSQL keeps microseconds: the frame, the event and the API then show the same instant.
    Instant at = when.truncatedTo(ChronoUnit.MICROS);
    Optional<UUID> id = Ids.parse(userId);
    if (id.isEmpty()) {
      log.warn("Presence of user {} is not recorded: not a user id", userId);
      return Mono.empty();
    }
    PresenceChanged event =
        new PresenceChanged(ids.uuid().toString(), Instant.now(), userId, online, at);
    Mono<Void> durable =
        tx.transactional(
                db.sql(
                        "insert into last_seen (user_id, last_seen_at) values (:id, :at)"
                            + " on conflict (user_id) do update set last_seen_at = excluded.last_seen_at"
                            + " where last_seen.last_seen_at < excluded.last_seen_at")
                    .bind("id", id.get())
                    .bind("at", at.atOffset(ZoneOffset.UTC))
                    .then()
                    .then(outbox.append(Destinations.PRESENCE_CHANGED, event)))
            // The routing table has already moved and remembers the event, so a redelivery would
            // not repeat this: retry a transient database failure here (the transaction rolled
            // back,
            // so a retry is safe), a few times, within the consumer's timeout.
            .retryWhen(
                Retry.backoff(3, Duration.ofMillis(200))
                    .filter(
                        e ->
                            e instanceof TransientDataAccessException
                                || e instanceof DataAccessResourceFailureException));
    return durable.then(tellFriends(id.get(), online, at));
  }

  /** Pushes a {@code presence} frame to the user's online friends (best effort). */
  private Mono<Void> tellFriends(UUID userId, boolean online, Instant at) {
    DeliveryPublisher publisher = deliveries.getIfAvailable();
    if (publisher == null) {
      log.debug("No DeliveryPublisher: presence frames are not pushed");
      return Mono.empty();
    }
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "presence");
    frame.put("userId", userId.toString());
    frame.put("online", online);
    frame.put("lastSeenAt", at);
    String text = json.writeValueAsString(frame);
    return friends
        .of(userId)
        .map(UUID::toString)
        .collectList()
        .flatMap(routes::online)
        .map(
            online1 ->
                online1.stream().sorted().map(friend -> new Delivery(friend, null, text)).toList())
        .filter(list -> !list.isEmpty())
        .flatMap(publisher::deliver)
        // The transition is durable by now; a failed push must not fail the consumer (a redelivery
        // would find the event already applied). Clients catch up with GET /api/presence.
        .onErrorResume(
            RuntimeException.class,
            e -> {
              log.warn("Presence frames for user {} were not pushed", userId, e);
              return Mono.empty();
            });
  }

  /** What {@code caller} may see of each of {@code userIds}, in the order asked. */
  Mono<List<PresenceView>> presence(UUID caller, String userIds) {
    List<String> asked =
        userIds == null
            ? List.of()
            : Arrays.stream(userIds.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
    if (asked.size() > properties.queryMaxIds()) {
      return Mono.error(
          ApiException.badRequest(
              ErrorCodes.VALIDATION_FAILED,
              "At most " + properties.queryMaxIds() + " user ids per request."));
    }
    Map<String, UUID> parsed = new HashMap<>();
    for (String s : asked) {
      Ids.parse(s).ifPresent(uuid -> parsed.put(s, uuid));
    }
    List<UUID> others = parsed.values().stream().filter(u -> !u.equals(caller)).toList();
    return friends
        .among(caller, others)
        .collect(Collectors.toSet())
        .map(
            visible -> {
              if (parsed.containsValue(caller)) {
                visible.add(caller);
              }
              return visible;
            })
        .flatMap(visible -> views(asked, parsed, visible));
  }

  private Mono<List<PresenceView>> views(
      List<String> asked, Map<String, UUID> parsed, Set<UUID> visible) {
    if (visible.isEmpty()) {
      return Mono.just(asked.stream().map(PresenceView::unknown).toList());
    }
    Mono<Set<String>> online = routes.online(visible.stream().map(UUID::toString).toList());
    Mono<Map<UUID, Instant>> lastSeen =
        db.sql("select user_id, last_seen_at from last_seen where user_id = any(:ids)")
            .bind("ids", visible.toArray(UUID[]::new))
            .map(
                row ->
                    Map.entry(
                        row.get("user_id", UUID.class),
                        row.get("last_seen_at", OffsetDateTime.class).toInstant()))
            .all()
            .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    return Mono.zip(online, lastSeen)
        .map(
            both ->
                asked.stream()
                    .map(
                        s -> {
                          UUID id = parsed.get(s);
                          if (id == null || !visible.contains(id)) {
                            return PresenceView.unknown(s);
                          }
                          return new PresenceView(
                              s, both.getT1().contains(id.toString()), both.getT2().get(id));
                        })
                    .toList());
  }
}
