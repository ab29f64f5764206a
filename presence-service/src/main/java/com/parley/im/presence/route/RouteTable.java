package com.parley.im.presence.route;

import com.parley.im.presence.PresenceProperties;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The routing table of ADR 0005 in Redis, under {@code im.redis.key-prefix} ({@code presence:}):
 * {@code route:{userId}} (hash {@code {deviceId}/{socketId}} -> instance id), {@code
 * instance:{instanceId}} (set of user ids), {@code lease:{instanceId}} (string with the lease's
 * TTL), {@code instances} (set of instance ids), plus {@code event:{eventId}} (a consumed socket
 * event) and {@code closed:{instanceId}/{socketId}} (a closed socket, so that an {@code opened}
 * arriving after its {@code closed} opens nothing), both kept for {@code im.presence.event-memory};
 * and {@code table} (the table is complete) and {@code table-rebuilding} (gateways are reporting
 * their sockets again after a loss, ADR 0008), which publishers read. presence-service is the only
 * writer; {@code DeliveryPublisher} reads the route hashes.
 *
 * <p>Promises: every change is one Lua script, so the hash, the sets and the answer (did the user
 * come online / go offline?) agree even with the sweeper running at the same time; a socket event
 * whose id was seen before changes nothing. Cannot promise: that the routes are current (a socket
 * that just closed, an instance that just died stays until its event or its lease's end).
 */
@Component
public class RouteTable {

  /** The answer of a script: a duplicate event, no transition, or a transition. */
  enum Outcome {
    DUPLICATE,
    UNCHANGED,
    TRANSITION
  }

  private static final RedisScript<Long> OPENED =
      RedisScript.of(
          """
          if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[4]) then return -1 end
          if redis.call('EXISTS', KEYS[6]) == 1 then return 0 end
          local before = redis.call('HLEN', KEYS[2])
          redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
          redis.call('SADD', KEYS[3], ARGV[3])
          redis.call('SADD', KEYS[4], ARGV[2])
          redis.call('SET', KEYS[5], ARGV[2], 'NX', 'PX', ARGV[5])
          if before == 0 then return 1 end
          return 0
          """,
          Long.class);

  private static final RedisScript<Long> CLOSED =
      RedisScript.of(
          """
          if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[4]) then return -1 end
          redis.call('SET', KEYS[4], '1', 'PX', ARGV[4])
          if redis.call('HDEL', KEYS[2], ARGV[1]) == 0 then return 0 end
          local values = redis.call('HVALS', KEYS[2])
          local still = false
          for _, v in ipairs(values) do
            if v == ARGV[2] then still = true end
          end
          if not still then redis.call('SREM', KEYS[3], ARGV[3]) end
          if #values == 0 then return 1 end
          return 0
          """,
          Long.class);

  /** The answer of a renewal: was the lease known, and if not, is the table otherwise complete? */
  enum Renewal {
    /** The lease was there: presence holds the instance's routes. */
    KNOWN,
    /** The lease was gone though the table is complete: the instance's routes were swept. */
    LOST,
    /** The whole table is lost or being rebuilt: the sweeper has asked every instance. */
    REBUILDING
  }

  private static final RedisScript<Long> RENEWED =
      RedisScript.of(
          """
          local existed = redis.call('EXISTS', KEYS[1])
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          redis.call('SADD', KEYS[2], ARGV[1])
          if existed == 1 then return 1 end
          if redis.call('EXISTS', KEYS[3]) == 0 or redis.call('EXISTS', KEYS[4]) == 1 then
            return 2
          end
          return 0
          """,
          Long.class);

  /**
   * Marks the table complete if it was not (first start, or Redis lost its data) and opens the
   * rebuild window ({@code table-rebuilding}, expiring by itself): 1 when this call did it.
   */
  private static final RedisScript<Long> TABLE_CHECK =
      RedisScript.of(
          """
          if redis.call('SET', KEYS[1], '1', 'NX') then
            redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
            return 1
          end
          return 0
          """,
          Long.class);

  /**
   * Drops every route of an instance whose lease key is gone; answers "=" followed by the users
   * that went offline, comma-separated. The route keys are built inside the script (one Redis node,
   * not Cluster).
   */
  private static final RedisScript<String> SWEEP =
      RedisScript.of(
          """
          if redis.call('EXISTS', KEYS[1]) == 1 then return '=' end
          local offline = {}
          for _, user in ipairs(redis.call('SMEMBERS', KEYS[2])) do
            local key = ARGV[2] .. user
            local flat = redis.call('HGETALL', key)
            local removed = 0
            for i = 1, #flat, 2 do
              if flat[i + 1] == ARGV[1] then
                removed = removed + redis.call('HDEL', key, flat[i])
              end
            end
            if removed > 0 and redis.call('HLEN', key) == 0 then
              table.insert(offline, user)
            end
          end
          redis.call('DEL', KEYS[2])
          redis.call('SREM', KEYS[3], ARGV[1])
          return '=' .. table.concat(offline, ',')
          """,
          String.class);

  private final ReactiveStringRedisTemplate redis;
  private final String prefix;
  private final PresenceProperties properties;

  RouteTable(
      ReactiveStringRedisTemplate redis,
      @Value("${im.redis.key-prefix:presence:}") String prefix,
      PresenceProperties properties) {
    this.redis = redis;
    this.prefix = prefix;
    this.properties = properties;
  }

  Mono<Outcome> opened(
      String eventId, String instanceId, String userId, String deviceId, String socketId) {
    return outcome(
        redis.execute(
            OPENED,
            List.of(
                eventKey(eventId),
                routeKey(userId),
                instanceKey(instanceId),
                instancesKey(),
                leaseKey(instanceId),
                closedKey(instanceId, socketId)),
            List.of(
                field(deviceId, socketId),
                instanceId,
                userId,
                millis(properties.eventMemory().toMillis()),
                millis(properties.defaultLease().toMillis()))));
  }

  Mono<Outcome> closed(
      String eventId, String instanceId, String userId, String deviceId, String socketId) {
    return outcome(
        redis.execute(
            CLOSED,
            List.of(
                eventKey(eventId),
                routeKey(userId),
                instanceKey(instanceId),
                closedKey(instanceId, socketId)),
            List.of(
                field(deviceId, socketId),
                instanceId,
                userId,
                millis(properties.eventMemory().toMillis()))));
  }

  Mono<Renewal> renew(String instanceId, long leaseMillis) {
    return redis
        .execute(
            RENEWED,
            List.of(leaseKey(instanceId), instancesKey(), tableKey(), rebuildingKey()),
            List.of(instanceId, millis(leaseMillis)))
        .next()
        .map(code -> code == 1 ? Renewal.KNOWN : code == 0 ? Renewal.LOST : Renewal.REBUILDING);
  }

  /**
   * True when the table's marker was missing (presence's first start, or Redis lost its data): this
   * call set it and opened a rebuild window of {@code window}, during which publishers keep the
   * deliveries they cannot route yet (ADR 0008); the caller asks every gateway to report again.
   */
  Mono<Boolean> markLostTable(java.time.Duration window) {
    return redis
        .execute(
            TABLE_CHECK, List.of(tableKey(), rebuildingKey()), List.of(millis(window.toMillis())))
        .next()
        .map(code -> code == 1);
  }

  /** Known instance ids. */
  Flux<String> instances() {
    return redis.opsForSet().members(instancesKey());
  }

  /** The users that went offline because {@code instanceId}'s lease was gone (none if alive). */
  Flux<String> sweep(String instanceId) {
    return redis
        .execute(
            SWEEP,
            List.of(leaseKey(instanceId), instanceKey(instanceId), instancesKey()),
            List.of(instanceId, prefix + "route:"))
        .next()
        .flatMapIterable(
            answer ->
                answer.length() <= 1 ? List.of() : Arrays.asList(answer.substring(1).split(",")));
  }

  /** Those of {@code userIds} who have at least one route (are online). */
  public Mono<Set<String>> online(Collection<String> userIds) {
    return Flux.fromIterable(userIds)
        .flatMapSequential(
            id -> redis.hasKey(routeKey(id)).filter(Boolean::booleanValue).map(yes -> id), 16)
        .collect(Collectors.toSet());
  }

  private static Mono<Outcome> outcome(Flux<Long> answer) {
    return answer
        .next()
        .map(
            code ->
                code < 0 ? Outcome.DUPLICATE : code == 1 ? Outcome.TRANSITION : Outcome.UNCHANGED);
  }

  private static String millis(long value) {
    return Long.toString(Math.max(1, value));
  }

  private static String field(String deviceId, String socketId) {
    return deviceId + "/" + socketId;
  }

  String routeKey(String userId) {
    return prefix + "route:" + userId;
  }

  private String instanceKey(String instanceId) {
    return prefix + "instance:" + instanceId;
  }

  private String leaseKey(String instanceId) {
    return prefix + "lease:" + instanceId;
  }

  private String instancesKey() {
    return prefix + "instances";
  }

  /** Present while the table is believed complete (ADR 0008); Redis loses it with the routes. */
  private String tableKey() {
    return prefix + "table";
  }

  /** Present (with a TTL) while the gateways report their sockets again after a loss. */
  private String rebuildingKey() {
    return prefix + "table-rebuilding";
  }

  private String closedKey(String instanceId, String socketId) {
    return prefix + "closed:" + instanceId + "/" + socketId;
  }

  private String eventKey(String eventId) {
    return prefix + "event:" + eventId;
  }
}
