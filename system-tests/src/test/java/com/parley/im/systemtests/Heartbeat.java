package com.parley.im.systemtests;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends the client heartbeat ({@code {"type":"ping"}}, PROTOCOL.md "Heartbeat") every 10 s on the
 * sockets it is given, so that sockets a test keeps open for longer than 2.5 heartbeat intervals
 * (75 s by default), e.g. across a service restart, are not closed for silence. A socket that
 * cannot take a ping any more (closed) is skipped.
 */
final class Heartbeat implements AutoCloseable {

  private static final long EVERY_SECONDS = 10;

  private final List<WsConnection> sockets = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "system-test-heartbeat");
            thread.setDaemon(true);
            return thread;
          });

  Heartbeat() {
    timer.scheduleWithFixedDelay(this::beat, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
  }

  /** Keeps this socket alive from now on; answers it. */
  WsConnection keep(WsConnection socket) {
    sockets.add(socket);
    return socket;
  }

  private void beat() {
    for (WsConnection socket : sockets) {
      if (socket.isClosed()) {
        sockets.remove(socket);
        continue;
      }
      try {
        socket.sendText("{\"type\":\"ping\"}");
      } catch (Throwable closedMeanwhile) {
        sockets.remove(socket);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
