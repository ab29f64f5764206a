package com.parley.im.message.send;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Per-user send rate ({@code im.message.send-rate}): a token bucket per user in Redis, refilled at
 * {@code per-second} up to {@code burst}, shared by every replica and by the socket and REST paths.
 * One Lua call decides a whole list of sends (all users in it at once).
 *
 * <p>When Redis cannot answer, sends are let through (a warning is logged): an outage of the
 * limiter must not stop messaging.
 */
@Component
class SendRateLimiter {

  /** For each send, in order: 0 when allowed, else how many ms until the user may send again. */
  record Decision(List<Long> waitMs) {}

  private static final Logger log = LoggerFactory.getLogger(SendRateLimiter.class);

  // KEYS: one bucket per user; ARGV: rate per second, burst, then the sends wanted per key.
  // Answers granted and wait (ms until one more token) per key. Uses the server's clock.
  private static final RedisScript<List> SCRIPT =
      RedisScript.of(
          """
          local t = redis.call('TIME')
          local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          local rate = tonumber(ARGV[1])
          local burst = tonumber(ARGV[2])
          local ttl = math.ceil(burst * 1000 / rate) + 1000
          local out = {}
          for i, key in ipairs(KEYS) do
            local want = tonumber(ARGV[i + 2])
            local v = redis.call('HMGET', key, 't', 'ts')
            local tokens = tonumber(v[1])
            local ts = tonumber(v[2])
            if tokens == nil or ts == nil then
              tokens = burst
              ts = now
            end
            if now > ts then
              tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
            end
            local granted = math.min(want, math.floor(tokens))
            tokens = tokens - granted
            local wait = 0
            if granted < want then
              wait = math.ceil((1 - tokens) * 1000 / rate) + math.max(0, ts - now)
              if wait < 1 then wait = 1 end
            end
            redis.call('HSET', key, 't', tostring(tokens), 'ts', tostring(math.max(now, ts)))
            redis.call('PEXPIRE', key, ttl)
            out[#out + 1] = granted
            out[#out + 1] = wait
          end
          return out
          """,
          List.class);

  private final ReactiveStringRedisTemplate redis;
  private final String prefix;
  private final double perSecond;
  private final int burst;

  SendRateLimiter(
      ReactiveStringRedisTemplate redis,
      SendProperties properties,
      @Value("${im.redis.key-prefix:message:}") String prefix) {
    this.redis = redis;
    this.prefix = prefix + "send-rate:";
    this.perSecond = properties.sendRate().perSecond();
    this.burst = properties.sendRate().burst();
  }

  /** Takes one token per send (users in {@code senders}, one entry per send, in order). */
  Mono<Decision> take(List<String> senders) {
    if (senders.isEmpty()) {
      return Mono.just(new Decision(List.of()));
    }
    Map<String, Integer> wanted = new LinkedHashMap<>();
    senders.forEach(user -> wanted.merge(user, 1, Integer::sum));
    List<String> keys = wanted.keySet().stream().map(user -> prefix + user).toList();
    List<String> args = new ArrayList<>();
    args.add(Double.toString(perSecond));
    args.add(Integer.toString(burst));
    wanted.values().forEach(n -> args.add(Integer.toString(n)));
    return redis
        .execute(SCRIPT, keys, args)
        .next()
        .map(
            raw -> {
              Map<String, long[]> grants = new LinkedHashMap<>();
              int i = 0;
              for (String user : wanted.keySet()) {
                long granted = ((Number) raw.get(2 * i)).longValue();
                long wait = ((Number) raw.get(2 * i + 1)).longValue();
                grants.put(user, new long[] {granted, wait});
                i++;
              }
              List<Long> waits = new ArrayList<>(senders.size());
              for (String user : senders) {
                long[] grant = grants.get(user);
                if (grant[0] > 0) {
                  grant[0]--;
                  waits.add(0L);
                } else {
                  waits.add(Math.max(1, grant[1]));
                }
              }
              return new Decision(waits);
            })
        .timeout(Duration.ofSeconds(1))
        .onErrorResume(
            e -> e instanceof DataAccessException || e instanceof TimeoutException,
            e -> {
              log.warn(
                  "Send rate limit unavailable, letting {} sends through: {}",
                  senders.size(),
                  e.toString());
              return Mono.just(new Decision(senders.stream().map(s -> 0L).toList()));
            });
  }
}
