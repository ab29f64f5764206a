package com.parley.im.gateway.session;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The sockets open on this gateway instance, by user and device (a user's devices each may hold
 * sockets; a device usually holds one). Knows nothing of other instances.
 *
 * <p>Stored as one small copy-on-write array per user, which costs less memory than a map per user
 * and device for the usual handful of sockets per user.
 */
@Component
public class SessionRegistry {

  private static final ClientSession[] NONE = new ClientSession[0];

  private final ConcurrentHashMap<String, ClientSession[]> byUser = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();

  public SessionRegistry(ObjectProvider<MeterRegistry> meters) {
    meters.ifAvailable(
        registry ->
            Gauge.builder("im.gateway.sockets", count, AtomicInteger::get)
                .description("Client WebSockets open on this gateway instance")
                .register(registry));
  }

  public void add(ClientSession session) {
    byUser.compute(
        session.userId(),
        (user, sessions) -> {
          ClientSession[] current = sessions == null ? NONE : sessions;
          ClientSession[] next = Arrays.copyOf(current, current.length + 1);
          next[current.length] = session;
          return next;
        });
    count.incrementAndGet();
  }

  public void remove(ClientSession session) {
    boolean[] removed = {false};
    byUser.computeIfPresent(
        session.userId(),
        (user, sessions) -> {
          List<ClientSession> rest = new ArrayList<>(sessions.length);
          for (ClientSession s : sessions) {
            if (s == session) {
              removed[0] = true;
            } else {
              rest.add(s);
            }
          }
          return rest.isEmpty() ? null : rest.toArray(NONE);
        });
    if (removed[0]) {
      count.decrementAndGet();
    }
  }

  /** The sockets of one user's device on this instance. */
  public List<ClientSession> sessionsOf(String userId, String deviceId) {
    ClientSession[] sessions = byUser.get(userId);
    if (sessions == null) {
      return List.of();
    }
    List<ClientSession> result = new ArrayList<>(1);
    for (ClientSession s : sessions) {
      if (s.deviceId().equals(deviceId)) {
        result.add(s);
      }
    }
    return result;
  }

  /** Every socket of one user on this instance, whatever the device. */
  public List<ClientSession> sessionsOf(String userId) {
    ClientSession[] sessions = byUser.get(userId);
    return sessions == null ? List.of() : List.of(sessions);
  }

  /** Every socket open on this instance (a weakly consistent view). */
  public void forEach(Consumer<ClientSession> action) {
    for (ClientSession[] sessions : byUser.values()) {
      for (ClientSession s : sessions) {
        action.accept(s);
      }
    }
  }

  public int size() {
    return count.get();
  }
}
