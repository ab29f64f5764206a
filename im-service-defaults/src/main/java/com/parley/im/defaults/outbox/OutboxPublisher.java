package com.parley.im.defaults.outbox;

import java.util.List;

/**
 * Publishes outbox messages to the broker and returns only once the broker confirmed them.
 * Implementations may block: the relay calls them on a thread that is allowed to.
 */
@FunctionalInterface
public interface OutboxPublisher {

  /**
   * @throws RuntimeException when the broker refused, did not confirm in time, or is unreachable
   */
  void publish(OutboxMessage message);

  /**
   * Publishes the messages in order and returns once the broker confirmed all of them or one of
   * them failed; the relay marks the confirmed prefix published and retries from the first failed
   * message. Messages after the first failure may have reached the broker too (they are published
   * again later; consumers deduplicate by {@code eventId}). The default publishes one after the
   * other with {@link #publish}, stopping at the first failure; implementations that can should
   * publish them all and wait for their confirms together.
   */
  default Published publishAll(List<OutboxMessage> messages) {
    for (int i = 0; i < messages.size(); i++) {
      try {
        publish(messages.get(i));
      } catch (RuntimeException e) {
        return new Published(i, e);
      }
    }
    return new Published(messages.size(), null);
  }

  /**
   * What {@link #publishAll} achieved.
   *
   * @param confirmed how many leading messages the broker confirmed
   * @param failure why the message after them was not confirmed; null when all were
   */
  record Published(int confirmed, RuntimeException failure) {}
}
