package com.parley.im.defaults;

import com.parley.im.defaults.text.WellFormedTextFilter;
import jakarta.validation.Validator;
import org.springframework.beans.factory.ObjectProvider;
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
@Import({ProblemDetailsAdvice.class, ServiceDefaultsAutoConfiguration.WarmUp.class})
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
}
