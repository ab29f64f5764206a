package com.parley.im.defaults.outbox;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Turns on the transactional outbox: an {@link Outbox} to append events and an {@link OutboxRelay}
 * that publishes them. See the package documentation for the Flyway location and the broker
 * properties that go with it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(OutboxConfiguration.class)
public @interface EnableOutbox {}
