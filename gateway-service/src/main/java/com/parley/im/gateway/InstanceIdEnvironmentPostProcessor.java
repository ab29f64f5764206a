package com.parley.im.gateway;

import java.util.Map;
import java.util.UUID;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives this instance a random {@code im.gateway.instance-id} when {@code IM_GATEWAY_INSTANCE_ID}
 * is not set, once, in the environment, so every place that names the instance (its properties, its
 * broker queue names) sees the same id.
 */
public class InstanceIdEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

  static final String PROPERTY = "im.gateway.instance-id";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    String configured = environment.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      String id = "gw-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      environment
          .getPropertySources()
          .addFirst(new MapPropertySource("gatewayInstanceId", Map.of(PROPERTY, id)));
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE; // after application.yml and the environment are loaded
  }
}
