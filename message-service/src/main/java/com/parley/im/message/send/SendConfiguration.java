package com.parley.im.message.send;

import com.parley.im.defaults.serviceauth.ServiceTokens;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreakerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/** Sending's properties and the production {@link MediaCatalog}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SendProperties.class)
class SendConfiguration {

  @Bean
  Customizer<ReactiveResilience4JCircuitBreakerFactory> mediaServiceBreaker(
      SendProperties properties) {
    return factory -> MediaServiceCatalog.configure(factory, properties.mediaTimeout());
  }

  @Bean
  MediaCatalog mediaCatalog(
      ObjectProvider<WebClient.Builder> builders,
      ReactiveCircuitBreakerFactory<?, ?> breakers,
      SendProperties properties,
      ServiceTokens serviceTokens) {
    // media-service's /internal endpoint wants this service's credential (ADR 0007).
    return new MediaServiceCatalog(
        builders.getIfAvailable(WebClient::builder).clone().filter(serviceTokens.filter()),
        breakers,
        properties.mediaUri(),
        properties.mediaTimeout());
  }
}
