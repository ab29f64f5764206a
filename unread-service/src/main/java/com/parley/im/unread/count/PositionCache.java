package com.parley.im.unread.count;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The fast copy of the positions in Redis (ADR 0010), under {@code im.redis.key-prefix}: the hash
 * {@code last} (conversation id to last seq) and one hash {@code user:<id>} per user (conversation
 * id to {@link Position#encoded()}, and the field {@code ~} once the hash holds all of the user's
 * rows). Every write keeps the higher value (last seqs) or the higher version (rows), so writes
 * from several consumers, replicas and a rebuild can come in any order. A user without {@code ~}
 * (Redis flushed, or never read) is rebuilt from PostgreSQL by {@link UnreadCounts}.
 *
 * <p>Cannot promise: that the copy is complete; a reader that finds a user not ready, or an active
 * conversation without a last seq, asks PostgreSQL.
 */
@Component
class PositionCache {

  static final String READY = "~";

  /**
   * KEYS[1] the last-seq hash, KEYS[2..] user hashes. ARGV[1]: 1 to mark every user hash ready;
   * ARGV[2]: the number n of last seqs, then n pairs (conversation, seq), then triples (index of
   * the user key in KEYS, conversation, encoded row).
   */
  private static final RedisScript<Long> WRITE =
      RedisScript.of(
          """
          local n = tonumber(ARGV[2])
          local i = 3
          for _ = 1, n do
            local cur = redis.call('HGET', KEYS[1], ARGV[i])
            if not cur or tonumber(cur) < tonumber(ARGV[i + 1]) then
              redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
            end
            i = i + 2
          end
          while i <= #ARGV do
            local key = KEYS[tonumber(ARGV[i])]
            local cur = redis.call('HGET', key, ARGV[i + 1])
            if not cur or tonumber(string.match(cur, '^%d+'))
                < tonumber(string.match(ARGV[i + 2], '^%d+')) then
              redis.call('HSET', key, ARGV[i + 1], ARGV[i + 2])
            end
            i = i + 3
          end
          if ARGV[1] == '1' then
            for k = 2, #KEYS do redis.call('HSET', KEYS[k], '~', '1') end
          end
          return 1
          """,
          Long.class);

  /**
   * KEYS[1] the last-seq hash, KEYS[2..] user hashes. Answers one line per user (separated by
   * \\x1e): "-" when the user is not ready or an active conversation has no last seq, else the
   * active conversations as "id \\x1f readSeq \\x1f lastSeq \\x1f muted" joined by \\x1d (empty for
   * none) after a leading "+".
   */
  private static final RedisScript<String> READ =
      RedisScript.of(
          """
          local lines = {}
          for k = 2, #KEYS do
            local flat = redis.call('HGETALL', KEYS[k])
            local ready = false
            local ids, reads, mutes = {}, {}, {}
            for i = 1, #flat, 2 do
              if flat[i] == '~' then
                ready = true
              else
                local _, r, a, m = string.match(flat[i + 1], '^(%d+):(%d+):(%d):(%d)$')
                if a == '1' then
                  ids[#ids + 1] = flat[i]; reads[#reads + 1] = r; mutes[#mutes + 1] = m
                end
              end
            end
            local line = '-'
            if ready then
              local parts = {}
              local complete = true
              for s = 1, #ids, 500 do
                local chunk = {}
                for j = s, math.min(s + 499, #ids) do chunk[#chunk + 1] = ids[j] end
                local lasts = redis.call('HMGET', KEYS[1], unpack(chunk))
                for j = 1, #chunk do
                  local x = s + j - 1
                  if not lasts[j] then complete = false break end
                  parts[#parts + 1] = ids[x] .. '\\31' .. reads[x] .. '\\31' .. lasts[j] .. '\\31' .. mutes[x]
                end
                if not complete then break end
              end
              if complete then line = '+' .. table.concat(parts, '\\29') end
            end
            lines[#lines + 1] = line
          end
          return table.concat(lines, '\\30')
          """,
          String.class);

  private final ReactiveStringRedisTemplate redis;
  private final String prefix;

  PositionCache(
      ReactiveStringRedisTemplate redis, @Value("${im.redis.key-prefix:unread:}") String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /**
   * Writes the last seqs and rows (higher wins); with {@code ready}, also marks these users' copies
   * complete (the caller holds every row of theirs).
   */
  Mono<Void> write(
      Map<String, Long> lastSeqs, Collection<Position> positions, Collection<String> readyUsers) {
    if (lastSeqs.isEmpty() && positions.isEmpty() && readyUsers.isEmpty()) {
      return Mono.empty();
    }
    List<String> keys = new ArrayList<>();
    keys.add(lastKey());
    Map<String, Integer> index = new HashMap<>();
    for (String user : readyUsers) {
      index.computeIfAbsent(user, u -> add(keys, userKey(u)));
    }
    List<String> args = new ArrayList<>();
    args.add(readyUsers.isEmpty() ? "0" : "1");
    args.add(Integer.toString(lastSeqs.size()));
    lastSeqs.forEach(
        (conversation, seq) -> {
          args.add(conversation);
          args.add(Long.toString(seq));
        });
    if (!readyUsers.isEmpty()) {
      // Marking ready applies to every user key, so only the ready users' rows may come along.
      for (Position p : positions) {
        if (!index.containsKey(p.userId())) {
          throw new IllegalArgumentException("a row of a user not being marked ready");
        }
      }
    }
    for (Position p : positions) {
      int k = index.computeIfAbsent(p.userId(), u -> add(keys, userKey(u)));
      args.add(Integer.toString(k));
      args.add(p.conversationId());
      args.add(p.encoded());
    }
    return redis.execute(WRITE, keys, args).then();
  }

  /** The counts of those users whose copy is complete; the others are missing from the map. */
  Mono<Map<String, UserCounts>> read(Collection<String> userIds) {
    List<String> users = List.copyOf(userIds);
    if (users.isEmpty()) {
      return Mono.just(Map.of());
    }
    List<String> keys = new ArrayList<>(users.size() + 1);
    keys.add(lastKey());
    users.forEach(u -> keys.add(userKey(u)));
    return redis
        .execute(READ, keys, List.of())
        .next()
        .map(
            answer -> {
              String[] lines = answer.split("\u001e", -1);
              Map<String, UserCounts> counts = new HashMap<>();
              for (int u = 0; u < users.size() && u < lines.length; u++) {
                String line = lines[u];
                if (!line.startsWith("+")) {
                  continue;
                }
                List<UserCounts.ConversationCount> list = new ArrayList<>();
                if (line.length() > 1) {
                  for (String part : line.substring(1).split("\u001d")) {
                    String[] f = part.split("\u001f");
                    list.add(
                        new UserCounts.ConversationCount(
                            f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), "1".equals(f[3])));
                  }
                }
                counts.put(users.get(u), new UserCounts(users.get(u), list));
              }
              return counts;
            });
  }

  private static int add(List<String> keys, String key) {
    keys.add(key);
    return keys.size();
  }

  private String lastKey() {
    return prefix + "last";
  }

  private String userKey(String userId) {
    return prefix + "user:" + userId;
  }
}
