package com.parley.im.defaults.serviceauth;

import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/**
 * Service-to-service authentication in every reactive service (ADR 0007): the shared {@link
 * ServiceKey}, the {@link ServiceTokens} this service presents, the {@link ServiceTokenVerifier}
 * and the {@link ServiceAuthenticationFilter} that guards {@code /internal/**} and the actuator.
 */
@AutoConfiguration(
    afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(ServiceAuthProperties.class)
public class ServiceAuthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ServiceKey serviceKey(ServiceAuthProperties properties) {
    return ServiceKey.from(properties);
  }

  @Bean
  @ConditionalOnMissingBean
  ServiceTokens serviceTokens(
      ServiceKey key,
      ServiceAuthProperties properties,
      @Value("${spring.application.name:service}") String name) {
    return new ServiceTokens(key, name, properties.tokenTtl(), Clock.systemUTC());
  }

  @Bean
  @ConditionalOnMissingBean
  ServiceTokenVerifier serviceTokenVerifier(ServiceKey key, ServiceAuthProperties properties) {
    return new ServiceTokenVerifier(key, properties.clockSkew(), Clock.systemUTC());
  }

  @Bean
  ServiceAuthenticationFilter serviceAuthenticationFilter(
      ServiceTokenVerifier verifier,
      ObjectProvider<JsonMapper> json,
      @Value("${management.endpoints.web.base-path:/actuator}") String actuatorBasePath) {
    return new ServiceAuthenticationFilter(
        verifier, json.getIfAvailable(JsonMapper::new), actuatorBasePath);
  }
}
