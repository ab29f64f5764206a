package com.parley.im.gateway.broker;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;

/**
 * Publishes events through {@link StreamBridge} on one thread of its own, so that event loops never
 * wait for the broker ({@link StreamBridge#send} can block on a connection or a channel).
 *
 * <p>Promises: events are handed to StreamBridge in the order they were submitted (one thread).
 * Cannot promise that the broker routes them in that order: the gateway's stream routing filter
 * makes StreamBridge send asynchronously through a thread pool, and the broker keeps order per AMQP
 * channel only. Nor delivery: when the broker is unreachable an event is logged and lost, and
 * beyond {@code maxPending} waiting events new ones are dropped and counted. Callers choose it for
 * events whose loss something else repairs.
 */
public final class BrokerPublisher {

  private static final Logger log = LoggerFactory.getLogger(BrokerPublisher.class);

  private final StreamBridge broker;
  private final String name;
  // A plain thread that may block (not a Reactor scheduler: BlockHound counts those as
  // non-blocking), with a bounded queue.
  private final ThreadPoolExecutor thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /**
   * @param name names the thread ({@code im-<name>-publisher}) and the log lines
   * @param maxPending events waiting for the thread; beyond, new ones are dropped
   */
  public BrokerPublisher(StreamBridge broker, String name, int maxPending) {
    this.broker = broker;
    this.name = name;
    this.thread =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(maxPending),
            runnable -> {
              Thread t = new Thread(runnable, "im-" + name + "-publisher");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Hands an event to the publishing thread. {@code eventOf} runs on that thread (make ids there:
   * random ids may read {@code /dev/urandom}). Returns false when the event was dropped because the
   * queue is full or the publisher is shut down.
   */
  public boolean publish(String destination, Supplier<Object> eventOf) {
    try {
      thread.execute(
          () -> {
            Object event = eventOf.get();
            try {
              if (!broker.send(destination, event)) {
                failed.incrementAndGet();
                log.warn("{}: the broker refused an event for {}", name, destination);
              }
            } catch (RuntimeException e) {
              failed.incrementAndGet();
              log.warn(
                  "{}: could not publish {} to {}: {}", name, event, destination, e.toString());
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      long n = dropped.incrementAndGet();
      if (Long.bitCount(n) == 1) { // the 1st, 2nd, 4th, 8th... drop: no log flood
        log.warn("{}: publisher full or shut down, {} events dropped so far", name, n);
      }
      return false;
    }
  }

  /** Events dropped because the queue was full (or after shutdown). */
  public long dropped() {
    return dropped.get();
  }

  /** Events the broker did not take. */
  public long failed() {
    return failed.get();
  }

  /** Lets waiting events leave for at most {@code wait}, then stops the thread. */
  public void shutdown(Duration wait) {
    thread.shutdown();
    try {
      thread.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.shutdownNow();
  }
}
