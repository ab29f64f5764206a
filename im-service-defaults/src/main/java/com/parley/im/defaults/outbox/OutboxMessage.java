package com.parley.im.defaults.outbox;

/**
 * One stored event, as the relay hands it to an {@link OutboxPublisher}.
 *
 * @param id position in the outbox (publication order)
 * @param eventId the event's own id, also sent as the message header {@code eventId}
 * @param destination the Spring Cloud Stream destination (before any binder prefix)
 * @param eventType simple name of the event record, sent as header {@code eventType}
 * @param payload the event as JSON
 * @param traceparent the W3C trace context of the change that wrote the row when it was sampled,
 *     sent as header {@code traceparent} (ADR 0028); null otherwise
 * @param routingKey the AMQP routing key when it is not the destination (ADR 0032); null otherwise
 */
public record OutboxMessage(
    long id,
    String eventId,
    String destination,
    String eventType,
    String payload,
    String traceparent,
    String routingKey) {

  /** A message routed by its destination. */
  public OutboxMessage(
      long id,
      String eventId,
      String destination,
      String eventType,
      String payload,
      String traceparent) {
    this(id, eventId, destination, eventType, payload, traceparent, null);
  }

  /** The routing key to publish with: {@link #routingKey}, else the destination. */
  public String routingKeyOrDestination() {
    return routingKey == null ? destination : routingKey;
  }

  /** A message written outside any sampled trace. */
  public OutboxMessage(
      long id, String eventId, String destination, String eventType, String payload) {
    this(id, eventId, destination, eventType, payload, null);
  }
}
