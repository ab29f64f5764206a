package com.parley.im.gateway.routing;

import com.parley.im.defaults.Problems;
import com.parley.im.protocol.ErrorCodes;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreakerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A route's circuit breaker ({@code - ServiceBreaker=<service>}), named after the service and
 * configured by {@link CircuitBreakerConfig}, that answers a failed call itself: the service was
 * busy (the call ran out of time, or too many calls were in flight to it; neither opens the
 * breaker): 429 {@code rate_limited} with {@code Retry-After}, so the client comes back later; the
 * service is down or its breaker open: 503 {@code service_unavailable}.
 *
 * <p>Why not Spring Cloud Gateway's {@code CircuitBreaker} filter with a {@code fallbackUri}: to be
 * able to forward the request to the fallback, that filter turns on request-body caching for its
 * route, so every request body was held whole in the gateway's direct memory before it was
 * forwarded. A 100 MiB upload took 300 MiB of the gateway's memory, and three at once exhausted its
 * direct memory (OutOfMemoryError, 500s, and sockets of every user on that gateway at risk). This
 * filter needs no second look at the body, so bodies stream through (ADR 0012).
 */
@Component
class ServiceBreakerGatewayFilterFactory
    extends AbstractGatewayFilterFactory<ServiceBreakerGatewayFilterFactory.Config> {

  private static final Logger log =
      LoggerFactory.getLogger(ServiceBreakerGatewayFilterFactory.class);

  static final String BUSY_RETRY_AFTER_SECONDS = "2";

  private final ReactiveCircuitBreakerFactory<?, ?> breakers;
  private final JsonMapper json;

  ServiceBreakerGatewayFilterFactory(
      ReactiveCircuitBreakerFactory<?, ?> breakers, JsonMapper json) {
    super(Config.class);
    this.breakers = breakers;
    this.json = json;
  }

  /** The breaker's name: the service (and the key of its time limit override). */
  public static class Config {
    private String name;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }

  @Override
  public List<String> shortcutFieldOrder() {
    return List.of("name");
  }

  @Override
  public GatewayFilter apply(Config config) {
    ReactiveCircuitBreaker breaker = breakers.create(config.getName());
    return (exchange, chain) ->
        breaker.run(chain.filter(exchange), failure -> answer(exchange, failure));
  }

  private Mono<Void> answer(ServerWebExchange exchange, Throwable failure) {
    if (exchange.getResponse().isCommitted()) {
      // A download that broke off mid-body: nothing can be answered any more.
      return Mono.error(failure);
    }
    return Problems.write(exchange, json, problem(exchange, failure));
  }

  static ProblemDetail problem(ServerWebExchange exchange, Throwable failure) {
    ProblemDetail problem;
    if (failure instanceof TimeoutException
        || CircuitBreakerConfig.busy(failure)
        || failure instanceof BulkheadFullException
        || failure instanceof org.springframework.cloud.gateway.support.TimeoutException) {
      problem =
          Problems.of(
              HttpStatus.TOO_MANY_REQUESTS,
              ErrorCodes.RATE_LIMITED,
              "The service is busy; try again in a moment.");
      exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, BUSY_RETRY_AFTER_SECONDS);
      problem.setProperty("retryAfterMs", Long.parseLong(BUSY_RETRY_AFTER_SECONDS) * 1000);
    } else {
      log.warn("{} answered 503: {}", exchange.getRequest().getPath(), failure.toString());
      problem =
          Problems.of(
              HttpStatus.SERVICE_UNAVAILABLE,
              ErrorCodes.SERVICE_UNAVAILABLE,
              "The service is not available right now; try again shortly.");
    }
    String original = exchange.getAttribute(OriginalPathFilter.ATTRIBUTE);
    if (original != null) {
      problem.setInstance(URI.create(original));
    }
    return problem;
  }
}
