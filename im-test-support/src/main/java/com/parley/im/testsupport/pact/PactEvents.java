package com.parley.im.testsupport.pact;

import au.com.dius.pact.consumer.MessagePactBuilder;
import au.com.dius.pact.consumer.dsl.PactDslJsonBody;
import au.com.dius.pact.consumer.dsl.PactDslJsonRootValue;
import au.com.dius.pact.core.model.V4Pact;
import java.util.Map;

/**
 * The pieces every message contract of ADR 0011 shares: the body of a {@code DomainEvent} (its
 * {@code eventId} a UUID, its {@code occurredAt} an ISO-8601 instant, both matched by shape), ids
 * and instants matched by shape, and the metadata of a JSON message.
 */
public final class PactEvents {

  /** An {@code Instant} as Jackson writes it: UTC, seconds, then up to nine fraction digits. */
  public static final String INSTANT = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z";

  /** The example instant of the contracts. */
  public static final String AN_INSTANT = "2026-12-04T06:00:00.123456Z";

  /**
   * The example event id of the contracts: fixed, so that a consumer test writes the same pact file
   * every run (only the checked-in copy's changes show up in review).
   */
  public static final String AN_EVENT_ID = "0f8e2d4c-6b1a-4e3f-9d7c-5a2b1c0d9e8f";

  private PactEvents() {}

  /** A domain event's body: {@code eventId} (any UUID) and {@code occurredAt} (any instant). */
  public static PactDslJsonBody domainEvent() {
    return instant(new PactDslJsonBody().uuid("eventId", AN_EVENT_ID), "occurredAt");
  }

  /** Adds an instant-valued field matched by shape. */
  public static PactDslJsonBody instant(PactDslJsonBody body, String name) {
    return body.stringMatcher(name, INSTANT, AN_INSTANT);
  }

  /** Adds a list of strings with at least one element, each matched by type. */
  public static PactDslJsonBody strings(PactDslJsonBody body, String name, String example) {
    return body.minArrayLike(name, 1, PactDslJsonRootValue.stringType(example), 1);
  }

  /** Adds a list that is empty in the example (any strings in the real message). */
  public static PactDslJsonBody emptyList(PactDslJsonBody body, String name) {
    return (PactDslJsonBody) body.array(name).closeArray();
  }

  /**
   * One message interaction of a contract: {@code description} names what the provider must be able
   * to produce (its {@code @PactVerifyProvider}), the body is JSON.
   */
  public static MessagePactBuilder expects(
      MessagePactBuilder builder, String description, PactDslJsonBody body) {
    return builder
        .expectsToReceive(description)
        .withMetadata(Map.of(PactMessages.CONTENT_TYPE, "application/json"))
        .withContent(body);
  }

  /** The pact of {@code builder}, as the consumer tests return it. */
  public static V4Pact pact(MessagePactBuilder builder) {
    return builder.toPact(V4Pact.class);
  }
}
