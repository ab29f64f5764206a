package com.parley.im.gateway.websocket;

import com.parley.im.defaults.serviceauth.ServiceTokens;
import com.parley.im.gateway.GatewayProperties;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreakerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Redeems a WebSocket ticket at user-service ({@code POST /internal/ws-tickets/redeem}, single use,
 * with this service's credential, ADR 0007). Empty when user-service does not know the ticket
 * (unknown, expired or used); an error when user-service cannot answer (timeout, down, open
 * circuit), which the handshake answers with 503.
 */
@Component
class TicketRedeemer {

  /** Tickets are opaque, but nothing longer or stranger than this is sent on. */
  private static final Pattern PLAUSIBLE = Pattern.compile("[A-Za-z0-9_\\-.~]{8,256}");

  private final WebClient client;
  private final ReactiveCircuitBreaker breaker;
  private final GatewayProperties.Tickets settings;

  TicketRedeemer(
      WebClient.Builder builder,
      ReactiveCircuitBreakerFactory<?, ?> breakers,
      GatewayProperties properties,
      ServiceTokens serviceTokens) {
    this.settings = properties.tickets();
    this.client =
        builder
            .clone()
            .baseUrl(settings.userServiceUri().toString())
            .filter(serviceTokens.filter())
            .build();
    this.breaker = breakers.create("ws-tickets");
  }

  /** The identity bound to the ticket, or empty when the ticket is not valid. */
  Mono<SocketIdentity> redeem(String ticket) {
    if (ticket == null || !PLAUSIBLE.matcher(ticket).matches()) {
      return Mono.empty();
    }
    Mono<Redeemed> call =
        client
            .post()
            .uri("/internal/ws-tickets/redeem")
            .contentType(MediaType.APPLICATION_JSON)
            .accept(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("ticket", ticket))
            .exchangeToMono(
                response -> {
                  if (response.statusCode().is2xxSuccessful()) {
                    return response.bodyToMono(Redeemed.class);
                  }
                  if (response.statusCode().is4xxClientError()
                      && response.statusCode().value() != HttpStatus.TOO_MANY_REQUESTS.value()) {
                    // Unknown, expired or used: a valid answer, not a failure of user-service.
                    return response.releaseBody().then(Mono.just(Redeemed.INVALID));
                  }
                  return response.createError();
                })
            .timeout(settings.timeout());
    return breaker
        .run(call, Mono::error)
        .filter(r -> r != Redeemed.INVALID && r.isComplete())
        .map(r -> new SocketIdentity(r.userId(), r.deviceId(), r.sessionId()));
  }

  /** user-service's answer: {@code {userId, deviceId, sessionId}}. */
  record Redeemed(String userId, String deviceId, String sessionId) {
    static final Redeemed INVALID = new Redeemed(null, null, null);

    boolean isComplete() {
      return userId != null && deviceId != null && sessionId != null;
    }
  }
}
