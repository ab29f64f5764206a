package com.parley.im.defaults;

import com.parley.im.defaults.openapi.OpenApiDefaults;
import com.parley.im.defaults.openapi.OpenApiDocumentFilter;
import com.parley.im.defaults.text.WellFormedTextFilter;
import io.swagger.v3.oas.models.OpenAPI;
import jakarta.validation.Validator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

/** Registers the shared web defaults in every reactive service. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@Import({
  ProblemDetailsAdvice.class,
  ServiceDefaultsAutoConfiguration.WarmUp.class,
  ServiceDefaultsAutoConfiguration.OpenApi.class
})
public class ServiceDefaultsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  SecureIds secureIds() {
    return new SecureIds();
  }

  /** Text as sent or refused (ADR 0009); the gateway, which only forwards bodies, turns it off. */
  @Bean
  @ConditionalOnProperty(name = "im.text.check-requests", matchIfMissing = true)
  WellFormedTextFilter wellFormedTextFilter(ObjectProvider<JsonMapper> json) {
    return new WellFormedTextFilter(json.getIfAvailable(JsonMapper::new));
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.data.redis.connection.ReactiveRedisConnectionFactory",
        "jakarta.validation.Validator"
      })
  static class WarmUp {

    @Bean
    StartupWarmUp startupWarmUp(
        ObjectProvider<Validator> validator, ObjectProvider<ReactiveRedisConnectionFactory> redis) {
      return new StartupWarmUp(validator, redis);
    }
  }

  /** Services that bring springdoc serve their OpenAPI document off the event loop (ADR 0024). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springdoc.webflux.api.OpenApiActuatorResource")
  static class OpenApi {

    @Bean
    @ConditionalOnMissingBean
    OpenAPI openApi(@Value("${spring.application.name}") String service) {
      return OpenApiDefaults.document(service);
    }

    @Bean
    OpenApiDocumentFilter openApiDocumentFilter(
        @Value("${management.endpoints.web.base-path:/actuator}") String actuatorBasePath) {
      return new OpenApiDocumentFilter(actuatorBasePath);
    }
  }
}
