package com.parley.im.defaults.outbox;

/**
 * Publishes one outbox message to the broker and returns only once the broker confirmed it.
 * Implementations may block: the relay calls them on a thread that is allowed to.
 */
@FunctionalInterface
public interface OutboxPublisher {

  /**
   * @throws RuntimeException when the broker refused, did not confirm in time, or is unreachable
   */
  void publish(OutboxMessage message);
}
