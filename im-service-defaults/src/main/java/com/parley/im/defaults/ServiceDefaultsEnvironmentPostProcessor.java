package com.parley.im.defaults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds {@code im-service-defaults.properties} as the lowest-precedence property source, so every
 * service shuts down gracefully, exposes liveness/readiness groups and keeps telemetry export off
 * until a deployment turns it on. A service's own {@code application.yml} overrides any of it.
 */
public class ServiceDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

  private static final String NAME = "im-service-defaults";
  private static final String OTLP_TRACES = "IM_OTLP_TRACES_ENDPOINT";
  private static final String OTLP_ENDPOINT_PROPERTY =
      "management.opentelemetry.tracing.export.otlp.endpoint";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    try {
      new PropertiesPropertySourceLoader()
          .load(NAME, new ClassPathResource(NAME + ".properties"))
          .forEach(source -> environment.getPropertySources().addLast(source));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    exportTracesWhenAsked(environment);
  }

  /**
   * Boot exports spans once {@value #OTLP_ENDPOINT_PROPERTY} is set, even to a blank value; so it
   * is set only when {@value #OTLP_TRACES} names a collector (ADR 0028, docs/running.md).
   */
  private static void exportTracesWhenAsked(ConfigurableEnvironment environment) {
    String endpoint = environment.getProperty(OTLP_TRACES);
    if (endpoint != null
        && !endpoint.isBlank()
        && !environment.containsProperty(OTLP_ENDPOINT_PROPERTY)) {
      environment
          .getPropertySources()
          .addLast(
              new MapPropertySource(
                  NAME + "-otlp", Map.of(OTLP_ENDPOINT_PROPERTY, endpoint.trim())));
    }
  }
}
