package com.parley.im.message.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.PactDslJsonBody;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.serviceauth.ServiceTokens;
import com.parley.im.testsupport.PactCredentials;
import com.parley.im.testsupport.TestServiceTokens;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4jBulkheadProvider;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigurationProperties;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * message-service's pact with media-service's owner lookup (ADR 0012, ADR 0027): the real {@link
 * MediaServiceCatalog}, with its service credential and breaker, against Pact's mock server. The
 * upload and its uploader come from the provider state, so that media-service can make them real.
 */
@ExtendWith(PactConsumerTestExt.class)
@PactTestFor(providerName = "media-service")
class MediaServicePactTests {

  private static final String OWNER = "6f1c2d3e-0000-4000-8000-000000000001";
  private static final String MEDIA = "md-0123456789abcdef";
  private static final String UNKNOWN = "md-unknown0123456789";

  @Pact(consumer = "message-service")
  V4Pact anUploadNamesItsUploader(PactDslWithProvider builder) {
    return builder
        .given("a user uploaded an image")
        .uponReceiving("a lookup of an upload")
        .method("GET")
        .pathFromProviderState("/internal/media/${mediaId}", "/internal/media/" + MEDIA)
        .matchHeader(PactCredentials.HEADER, PactCredentials.PATTERN, PactCredentials.EXAMPLE)
        .willRespondWith()
        .status(200)
        .matchHeader("Content-Type", "application/json.*", "application/json")
        .body(new PactDslJsonBody().valueFromProviderState("ownerId", "ownerId", OWNER))
        .toPact(V4Pact.class);
  }

  @Pact(consumer = "message-service")
  V4Pact anUnknownUploadIsNotFound(PactDslWithProvider builder) {
    return builder
        .uponReceiving("a lookup of an upload nobody made")
        .method("GET")
        .path("/internal/media/" + UNKNOWN)
        .matchHeader(PactCredentials.HEADER, PactCredentials.PATTERN, PactCredentials.EXAMPLE)
        .willRespondWith()
        .status(404)
        .toPact(V4Pact.class);
  }

  @Test
  @PactTestFor(pactMethod = "anUploadNamesItsUploader")
  void theUploaderMaySendIt(MockServer mediaService) {
    catalog(mediaService).requireUpload(MEDIA, OWNER).block(Duration.ofSeconds(10));
  }

  @Test
  @PactTestFor(pactMethod = "anUploadNamesItsUploader")
  void nobodyElseMaySendIt(MockServer mediaService) {
    assertThatThrownBy(
            () ->
                catalog(mediaService)
                    .requireUpload(MEDIA, "someone-else")
                    .block(Duration.ofSeconds(10)))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("media_not_found"));
  }

  @Test
  @PactTestFor(pactMethod = "anUnknownUploadIsNotFound")
  void anUnknownUploadIsRefusedAsNotFoundNotAsUnavailable(MockServer mediaService) {
    assertThatThrownBy(
            () -> catalog(mediaService).requireUpload(UNKNOWN, OWNER).block(Duration.ofSeconds(10)))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("media_not_found"));
  }

  private static MediaServiceCatalog catalog(MockServer mediaService) {
    Duration timeout = Duration.ofSeconds(10); // the mock server's first answer may be slow
    ReactiveResilience4JCircuitBreakerFactory breakers =
        new ReactiveResilience4JCircuitBreakerFactory(
            CircuitBreakerRegistry.ofDefaults(),
            TimeLimiterRegistry.ofDefaults(),
            new ReactiveResilience4jBulkheadProvider(BulkheadRegistry.ofDefaults()),
            new Resilience4JConfigurationProperties());
    MediaServiceCatalog.configure(breakers, timeout);
    ServiceTokens credentials =
        ServiceTokens.of(TestServiceTokens.key(), "message-service", Duration.ofMinutes(5));
    return new MediaServiceCatalog(
        WebClient.builder().filter(credentials.filter()), breakers, mediaService.getUrl(), timeout);
  }
}
