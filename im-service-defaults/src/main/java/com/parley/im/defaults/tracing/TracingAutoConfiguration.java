package com.parley.im.defaults.tracing;

import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Gives every service a {@link MessageTracing} on Boot's tracer (a no-op one without it). */
@AutoConfiguration(
    afterName =
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration")
public class TracingAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  MessageTracing messageTracing(ObjectProvider<Tracer> tracer) {
    return new MessageTracing(tracer.getIfAvailable(() -> Tracer.NOOP));
  }
}
