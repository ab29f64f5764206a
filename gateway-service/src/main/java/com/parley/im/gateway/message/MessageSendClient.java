package com.parley.im.gateway.message;

import com.parley.im.defaults.serviceauth.ServiceTokens;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.protocol.InternalSend;
import com.parley.im.protocol.InternalSendRequest;
import com.parley.im.protocol.InternalSendResponse;
import com.parley.im.protocol.InternalSendResult;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Hands the {@code send} frames of all sockets of this instance to message-service (ADR 0006 §1):
 * {@code POST {im.gateway.send.message-service-uri}/internal/messages/send} {@code {sends:[...]}}
 * answered with {@code {results:[...]}} in the same order ({@link InternalSendRequest}), with this
 * service's credential (ADR 0007). While {@code max-in-flight} requests (16) are under way, later
 * sends wait and leave together in the next request (at most {@code max-batch}, 64), so a busy
 * instance makes few large requests and an idle one sends at once.
 *
 * <p>Promises: every {@link #send} completes with exactly one {@link InternalSendResult}, never an
 * error: the service's result for that send, or {@code service_unavailable} when its request
 * failed, timed out ({@code im.gateway.send.timeout}, 5 s), or the circuit breaker {@code
 * message-send} is open. One device's sends leave in the order {@link #send} was called for them,
 * and never in two requests at once (ADR 0031): a request carries all of a device's waiting sends
 * it has room for, and the device's later sends wait until that request is answered. So a socket
 * may pipeline its sends and still have them stored, and answered, in the order it made them; other
 * devices' sends do not wait for it. Cannot promise: that a send answered {@code
 * service_unavailable} was not stored (the request may have failed after the commit); the client
 * resends with the same id and message-service's idempotency answers with the first ack.
 */
@Component
public class MessageSendClient {

  private static final Logger log = LoggerFactory.getLogger(MessageSendClient.class);

  private final WebClient client;
  private final ReactiveCircuitBreaker breaker;
  private final JsonMapper json;
  private final GatewayProperties.Send settings;
  private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
  // The drainer's own list of waiting sends, in arrival order (touched inside drain() only).
  private final ArrayDeque<Waiting> held = new ArrayDeque<>();
  // Devices with a send in a request under way: their later sends wait for its answers.
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
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

  static final InternalSendResult UNAVAILABLE =
      InternalSendResult.error(
          ErrorCodes.SERVICE_UNAVAILABLE,
          "The message could not be stored now; send it again.",
          null);

  private record Waiting(
      InternalSend send, BooleanSupplier gone, MonoSink<InternalSendResult> sink) {
    String device() {
      return send.userId() + '\u0000' + send.deviceId();
    }
  }

  /** Queues one send for the next request; completes with its result (never with an error). */
  public Mono<InternalSendResult> send(InternalSend send) {
    return send(send, () -> false);
  }

  /**
   * Like {@link #send(InternalSend)}, for a send whose socket may close before it leaves: once
   * {@code gone} says so, a send still waiting is not sent at all (it completes with {@code
   * service_unavailable}), so what a dropped socket leaves stored is a prefix of what it sent, as
   * when it sent one at a time (ADR 0031); the client resends the rest.
   */
  public Mono<InternalSendResult> send(InternalSend send, BooleanSupplier gone) {
    return Mono.create(
        sink -> {
          waiting.offer(new Waiting(send, gone, sink));
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
      Waiting arrived;
      while ((arrived = waiting.poll()) != null) {
        held.add(arrived);
      }
      while (inFlight.get() < settings.maxInFlight() && !held.isEmpty()) {
        List<Waiting> batch = nextBatch();
        if (batch.isEmpty()) {
          break; // every waiting send belongs to a device whose request is under way
        }
        inFlight.incrementAndGet();
        post(batch);
      }
      missed = draining.addAndGet(-missed);
    } while (missed != 0);
  }

  /**
   * The next request: waiting sends in arrival order, up to max-batch, but none of a device that
   * has a request under way, and none after a send of its device that was left behind; marks the
   * request's devices busy. Drops the sends of sockets that closed meanwhile.
   */
  private List<Waiting> nextBatch() {
    List<Waiting> batch = new ArrayList<>(Math.min(settings.maxBatch(), held.size()));
    Set<String> devices = new HashSet<>();
    Set<String> leftBehind = new HashSet<>();
    Iterator<Waiting> it = held.iterator();
    while (it.hasNext() && batch.size() < settings.maxBatch()) {
      Waiting next = it.next();
      if (next.gone().getAsBoolean()) {
        it.remove();
        next.sink().success(UNAVAILABLE);
        continue;
      }
      String device = next.device();
      if (leftBehind.contains(device) || busy.contains(device)) {
        leftBehind.add(device);
        continue;
      }
      it.remove();
      batch.add(next);
      devices.add(device);
    }
    busy.addAll(devices);
    return batch;
  }

  private void post(List<Waiting> batch) {
    List<InternalSend> sends = new ArrayList<>(batch.size());
    for (Waiting w : batch) {
      sends.add(w.send());
    }
    requests.increment();
    batchSize.record(sends.size());
    Mono<List<InternalSendResult>> call =
        Mono.fromCallable(() -> json.writeValueAsString(new InternalSendRequest(sends)))
            .flatMap(
                body ->
                    client
                        .post()
                        .uri(InternalSendRequest.PATH)
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchangeToMono(
                            response ->
                                response.statusCode().is2xxSuccessful()
                                    ? response.bodyToMono(InternalSendResponse.class)
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
              return Mono.just(Collections.nCopies(sends.size(), UNAVAILABLE));
            })
        // After the answers went out: the next request may start, and carry these devices' sends.
        .doFinally(
            signal -> {
              for (Waiting w : batch) {
                busy.remove(w.device());
              }
              inFlight.decrementAndGet();
              drain();
            })
        .subscribe(results -> answer(batch, results));
  }

  private static List<InternalSendResult> resultsOf(InternalSendResponse response, int expected) {
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

  private void answer(List<Waiting> batch, List<InternalSendResult> results) {
    for (int i = 0; i < batch.size(); i++) {
      InternalSendResult result = results.get(i);
      if (result == UNAVAILABLE) {
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
