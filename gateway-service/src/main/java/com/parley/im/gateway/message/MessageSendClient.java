package com.parley.im.gateway.message;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.parley.im.defaults.serviceauth.ServiceTokens;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.protocol.ErrorCodes;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreakerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hands the {@code send} frames of all sockets of this instance to message-service (ADR 0006 §1):
 * {@code POST {im.gateway.send.message-service-uri}/internal/messages/send} {@code {sends:[...]}}
 * answered with {@code {results:[...]}} in the same order, with this service's credential (ADR
 * 0007). While {@code max-in-flight} requests (1) are under way, later sends wait and leave
 * together in the next request (at most {@code max-batch}, 64), so a busy instance makes few large
 * requests and an idle one sends at once.
 *
 * <p>Promises: every {@link #send} completes with exactly one {@link Result}, never an error: the
 * service's result for that send, or {@code service_unavailable} when its request failed, timed out
 * ({@code im.gateway.send.timeout}, 5 s), or the circuit breaker {@code message-send} is open.
 * Sends leave in the order {@link #send} was called, so a socket that waits for each answer before
 * its next send (as {@code ConnectionHandler} does) has its sends stored in the order it made them.
 * Cannot promise: that a send answered {@code service_unavailable} was not stored (the request may
 * have failed after the commit); the client resends with the same id and message-service's
 * idempotency answers with the first ack.
 */
@Component
public class MessageSendClient {

  private static final Logger log = LoggerFactory.getLogger(MessageSendClient.class);
  static final String PATH = "/internal/messages/send";

  private final WebClient client;
  private final ReactiveCircuitBreaker breaker;
  private final JsonMapper json;
  private final GatewayProperties.Send settings;
  private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger draining = new AtomicInteger();
  private final Counter requests;
  private final Counter ok;
  private final Counter refused;
  private final Counter unavailable;
  private final DistributionSummary batchSize;

  MessageSendClient(
      WebClient.Builder builder,
      ReactiveCircuitBreakerFactory<?, ?> breakers,
      JsonMapper json,
      GatewayProperties properties,
      ObjectProvider<MeterRegistry> meters,
      ServiceTokens serviceTokens) {
    this.settings = properties.send();
    this.client =
        builder
            .clone()
            .baseUrl(settings.messageServiceUri().toString())
            .filter(serviceTokens.filter())
            .build();
    this.breaker = breakers.create("message-send");
    this.json = json;
    MeterRegistry registry = meters.getIfAvailable(SimpleMeterRegistry::new);
    this.requests =
        Counter.builder("im.gateway.send.requests")
            .description("Requests to message-service's internal send endpoint")
            .register(registry);
    this.ok = outcome(registry, "ok");
    this.refused = outcome(registry, "error");
    this.unavailable = outcome(registry, "unavailable");
    this.batchSize =
        DistributionSummary.builder("im.gateway.send.batch")
            .description("Sends per request to message-service")
            .register(registry);
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder("im.gateway.sends")
        .description("Sends answered, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * One validated {@code send} frame of a socket (the wire form of one element of sends), with the
   * trace context of its {@code send} span when that is sampled (ADR 0028; left out otherwise).
   */
  public record Send(
      String userId,
      String deviceId,
      String clientMsgId,
      String conversationId,
      String kind,
      JsonNode body,
      @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent) {}

  /**
   * message-service's answer to one send: {@code status} {@code ok} with {@code messageId,
   * conversationId, seq, createdAt}, or {@code error} with {@code code, message} and, for rate
   * limits, {@code retryAfterMs}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Result(
      String status,
      String messageId,
      String conversationId,
      Long seq,
      Instant createdAt,
      String code,
      String message,
      Long retryAfterMs) {

    static final Result UNAVAILABLE =
        error(
            ErrorCodes.SERVICE_UNAVAILABLE, "The message could not be stored now; send it again.");

    static Result error(String code, String message) {
      return new Result("error", null, null, null, null, code, message, null);
    }

    /** Stored (or found stored by an earlier send with the same id): an ack. */
    public boolean isOk() {
      return "ok".equals(status) && messageId != null && seq != null && createdAt != null;
    }
  }

  record Request(List<Send> sends) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Response(List<Result> results) {}

  private record Waiting(Send send, MonoSink<Result> sink) {}

  /** Queues one send for the next request; completes with its result (never with an error). */
  public Mono<Result> send(Send send) {
    return Mono.create(
        sink -> {
          waiting.offer(new Waiting(send, sink));
          drain();
        });
  }

  /**
   * Starts requests while fewer than max-in-flight are under way and sends wait. One caller drains
   * at a time; a call made meanwhile (a new send, a request that ended, even from inside a request
   * that failed at once) makes that caller loop again instead of recursing.
   */
  private void drain() {
    if (draining.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      while (inFlight.get() < settings.maxInFlight() && !waiting.isEmpty()) {
        List<Waiting> batch = new ArrayList<>();
        Waiting next;
        while (batch.size() < settings.maxBatch() && (next = waiting.poll()) != null) {
          batch.add(next);
        }
        if (batch.isEmpty()) {
          break;
        }
        inFlight.incrementAndGet();
        post(batch);
      }
      missed = draining.addAndGet(-missed);
    } while (missed != 0);
  }

  private void post(List<Waiting> batch) {
    List<Send> sends = new ArrayList<>(batch.size());
    for (Waiting w : batch) {
      sends.add(w.send());
    }
    requests.increment();
    batchSize.record(sends.size());
    Mono<List<Result>> call =
        Mono.fromCallable(() -> json.writeValueAsString(new Request(sends)))
            .flatMap(
                body ->
                    client
                        .post()
                        .uri(PATH)
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchangeToMono(
                            response ->
                                response.statusCode().is2xxSuccessful()
                                    ? response.bodyToMono(Response.class)
                                    : response.createError()))
            .switchIfEmpty(Mono.error(() -> new IllegalStateException("An empty answer")))
            .timeout(settings.timeout())
            .map(response -> resultsOf(response, sends.size()));
    breaker
        .run(call, Mono::error)
        .onErrorResume(
            e -> {
              if (e instanceof CallNotPermittedException) {
                log.debug("message-send circuit open: {} sends answered unavailable", sends.size());
              } else {
                log.warn(
                    "Sending {} messages to message-service failed: {}",
                    sends.size(),
                    e.toString());
              }
              return Mono.just(Collections.nCopies(sends.size(), Result.UNAVAILABLE));
            })
        // After the answers went out: the next request may start.
        .doFinally(
            signal -> {
              inFlight.decrementAndGet();
              drain();
            })
        .subscribe(results -> answer(batch, results));
  }

  private static List<Result> resultsOf(Response response, int expected) {
    if (response == null
        || response.results() == null
        || response.results().size() != expected
        || response.results().contains(null)) {
      throw new IllegalStateException(
          "message-service answered "
              + (response == null || response.results() == null
                  ? "no results"
                  : response.results().size() + " results")
              + " to "
              + expected
              + " sends");
    }
    return response.results();
  }

  private void answer(List<Waiting> batch, List<Result> results) {
    for (int i = 0; i < batch.size(); i++) {
      Result result = results.get(i);
      if (result == Result.UNAVAILABLE) {
        unavailable.increment();
      } else if (result.isOk()) {
        ok.increment();
      } else {
        refused.increment();
      }
      batch.get(i).sink().success(result);
    }
  }
}
