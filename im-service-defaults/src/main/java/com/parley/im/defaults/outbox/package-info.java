/**
 * Transactional outbox: a service appends an event row in the same R2DBC transaction as the change
 * it describes, and a relay publishes the rows to the broker with publisher confirms.
 *
 * <h2>How a service opts in</h2>
 *
 * <ol>
 *   <li>Annotate a configuration class with {@link com.parley.im.defaults.outbox.EnableOutbox}.
 *   <li>Add the shared migration location to Flyway: {@code spring.flyway.locations:
 *       classpath:db/migration,classpath:db/outbox}. It holds one <em>repeatable</em> migration
 *       ({@code R__im_outbox.sql}, idempotent DDL), so it never collides with the service's own
 *       version numbers and can be added to a service that already has a schema. Flyway runs it
 *       after the versioned migrations, and again whenever the file changes.
 *   <li>Enable publisher confirms: {@code spring.rabbitmq.publisher-confirm-type: correlated} (the
 *       default {@link com.parley.im.defaults.outbox.RabbitOutboxPublisher} waits on each message's
 *       {@code CorrelationData} future) and, for the StreamBridge publisher, {@code
 *       spring.cloud.stream.rabbit.default.producer.use-confirm-header: true}.
 *   <li>Call {@link com.parley.im.defaults.outbox.Outbox#append} inside the transaction of the
 *       change (for example under a {@code TransactionalOperator}).
 * </ol>
 *
 * <h2>Promises</h2>
 *
 * An event whose transaction committed is published at least once, even if the broker was down at
 * commit time (the relay retries with back-off). Events are published in the order of their rows
 * ({@code id}) by one relay at a time across all replicas, a batch at a time whose confirms are
 * awaited together; a row that fails ends its batch's confirmed prefix and is retried before the
 * rows after it. Beans implementing {@link com.parley.im.defaults.outbox.OutboxRelayListener} see
 * each batch before it is published. {@code im.outbox.relay-enabled=false} turns publishing off
 * (the rows are still written). What it cannot promise: exactly once (a crash between the broker's
 * confirms and the row update publishes the batch again, and rows after a failed one may have
 * reached the broker already), so consumers deduplicate by {@code eventId}.
 */
package com.parley.im.defaults.outbox;
