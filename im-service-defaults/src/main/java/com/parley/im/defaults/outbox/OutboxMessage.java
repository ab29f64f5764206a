package com.parley.im.defaults.outbox;

/**
 * One stored event, as the relay hands it to an {@link OutboxPublisher}.
 *
 * @param id position in the outbox (publication order)
 * @param eventId the event's own id, also sent as the message header {@code eventId}
 * @param destination the Spring Cloud Stream destination (before any binder prefix)
 * @param eventType simple name of the event record, sent as header {@code eventType}
 * @param payload the event as JSON
 */
public record OutboxMessage(
    long id, String eventId, String destination, String eventType, String payload) {}
