package com.parley.im.message.send;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreakerFactory;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * {@link MediaCatalog} over media-service's internal endpoint {@code GET
 * {im.message.media-uri}/internal/media/{id}}: 200 with {@code ownerId} (or {@code uploaderId})
 * naming the uploader, 404 when there is no such upload. The call has a timeout ({@code
 * im.message.media-timeout}) and a circuit breaker ({@code media-service}): while media-service is
 * down or slow, media sends are refused at once with {@code service_unavailable} instead of
 * waiting. A 404 is an answer, not a failure: it does not open the breaker.
 *
 * <p>Why a call and not a table fed by media-service's events: a client uploads and sends at once,
 * and an event-fed table would refuse that send until the event arrived (ADR 0012).
 */
class MediaServiceCatalog implements MediaCatalog {

  static final String BREAKER = "media-service";

  private static final Logger log = LoggerFactory.getLogger(MediaServiceCatalog.class);

  private final WebClient client;
  private final ReactiveCircuitBreaker breaker;
  private final Duration timeout;

  MediaServiceCatalog(
      WebClient.Builder builder,
      ReactiveCircuitBreakerFactory<?, ?> breakers,
      String mediaUri,
      Duration timeout) {
    this.client = builder.baseUrl(mediaUri).build();
    this.breaker = breakers.create(BREAKER);
    this.timeout = timeout;
  }

  /** The breaker's settings: the time limit is the configured timeout. */
  static void configure(ReactiveResilience4JCircuitBreakerFactory factory, Duration timeout) {
    factory.configure(
        builder ->
            builder
                .timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(timeout).build())
                .circuitBreakerConfig(
                    CircuitBreakerConfig.custom()
                        .slidingWindowSize(20)
                        .minimumNumberOfCalls(10)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(Duration.ofSeconds(5))
                        .build()),
        BREAKER);
  }

  @Override
  public Mono<Void> requireUpload(String mediaId, String userId) {
    Mono<Map<String, Object>> lookup =
        client
            .get()
            .uri("/internal/media/{id}", mediaId)
            .retrieve()
            .bodyToMono(
                new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {})
            // An absent upload is an answer: an empty map, so the breaker counts a success.
            .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.just(Map.of()))
            .timeout(timeout);
    return breaker
        .run(
            lookup,
            e -> {
              log.debug("media-service did not answer for {}: {}", mediaId, e.toString());
              return Mono.error(SendErrors.mediaUnavailable());
            })
        .flatMap(
            media -> {
              Object owner = media.getOrDefault("ownerId", media.get("uploaderId"));
              return userId.equals(owner)
                  ? Mono.<Void>empty()
                  : Mono.<Void>error(SendErrors.mediaNotFound(mediaId));
            });
  }
}
