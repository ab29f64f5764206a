package com.parley.im.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the gateway can be configured with, under {@code im.gateway}.
 *
 * @param instanceId this instance's id ({@code IM_GATEWAY_INSTANCE_ID}); random when blank. Later
 *     issues route deliveries per instance by it.
 * @param allowedOrigins browser origins allowed on the WebSocket handshake and by CORS
 * @param trustedProxyHops how many reverse proxies in front of the gateway append to {@code
 *     X-Forwarded-For}; 0 (the default) takes the TCP peer as the client address
 * @param web the web app's static files served at {@code /}
 */
@Validated
@ConfigurationProperties("im.gateway")
public record GatewayProperties(
    @DefaultValue("") String instanceId,
    @DefaultValue({"http://localhost:3000", "http://localhost:8080"}) List<String> allowedOrigins,
    @DefaultValue("0") @Min(0) int trustedProxyHops,
    @DefaultValue @Valid Tokens tokens,
    @DefaultValue @Valid WebSocket websocket,
    @DefaultValue @Valid Tickets tickets,
    @DefaultValue @Valid RateLimit rateLimit,
    @DefaultValue @Valid Upstream upstream,
    @DefaultValue @Valid Presence presence,
    @DefaultValue @Valid Send send,
    @DefaultValue @Valid Web web) {

  public GatewayProperties {
    if (instanceId == null || instanceId.isBlank()) {
      instanceId = "gw-" + UUID.randomUUID().toString().substring(0, 8);
    }
  }

  /**
   * Access-token verification.
   *
   * @param jwksUri user-service's JWK set
   * @param issuer the required {@code iss}
   * @param accessTokenTtl how long an access token lives; a revoked session id is remembered this
   *     long (plus the clock skew)
   * @param clockSkew tolerance on {@code exp} and {@code nbf}
   */
  public record Tokens(
      @DefaultValue("http://127.0.0.1:8081/api/auth/jwks") @NotNull URI jwksUri,
      @DefaultValue("parley") @NotBlank String issuer,
      @DefaultValue("15m") @NotNull Duration accessTokenTtl,
      @DefaultValue("30s") @NotNull Duration clockSkew) {}

  /**
   * The client WebSocket.
   *
   * @param heartbeatInterval the client pings this often; no frame for 2.5 intervals closes it
   * @param maxFrameSize larger frames are refused with an {@code error} frame (socket stays)
   * @param maxFramePayload larger frames are closed by the WebSocket layer with 1009
   * @param outboundQueueLimit frames waiting for a socket that does not read; beyond, it is closed
   * @param shutdownTimeout how long graceful shutdown waits for sockets to close after 1001
   * @param redeliveryInterval a pushed {@code message} not covered by a {@code recv} this long
   *     after it was written is written again (PROTOCOL.md guarantee 4)
   * @param redeliveryPendingLimit {@code message} frames kept per socket for redelivery; beyond,
   *     the oldest is forgotten (the client catches up by seq)
   */
  public record WebSocket(
      @DefaultValue("/ws") @NotBlank String path,
      @DefaultValue("30s") @NotNull Duration heartbeatInterval,
      @DefaultValue("64KB") @NotNull DataSize maxFrameSize,
      @DefaultValue("1MB") @NotNull DataSize maxFramePayload,
      @DefaultValue("256") @Positive int outboundQueueLimit,
      @DefaultValue("5s") @NotNull Duration shutdownTimeout,
      @DefaultValue("10s") @NotNull Duration redeliveryInterval,
      @DefaultValue("1000") @Positive int redeliveryPendingLimit) {

    /** No client frame for this long closes the socket (2.5 heartbeat intervals). */
    public Duration heartbeatTimeout() {
      return heartbeatInterval.multipliedBy(5).dividedBy(2);
    }
  }

  /**
   * Redemption of WebSocket tickets at user-service.
   *
   * @param userServiceUri where user-service listens (its {@code /internal/**} is called directly)
   * @param timeout one redemption call, connect included
   */
  public record Tickets(
      @DefaultValue("http://127.0.0.1:8081") @NotNull URI userServiceUri,
      @DefaultValue("2s") @NotNull Duration timeout) {}

  /**
   * The Redis token bucket per user (per client address on the public routes).
   *
   * @param replenishRate requests per second allowed on average
   * @param burstCapacity requests allowed at once
   */
  public record RateLimit(
      @DefaultValue("20") @Positive int replenishRate,
      @DefaultValue("40") @Positive long burstCapacity) {}

  /**
   * Calls to the services behind the routes.
   *
   * @param timeout the circuit breaker's time limit for a whole exchange (response included)
   * @param timeouts per circuit-breaker name overrides, e.g. {@code media} for large transfers
   * @param maxConcurrent calls in flight at once to one service (its bulkhead); beyond, a call is
   *     answered 429 with {@code Retry-After} at once (the service is busy, not down)
   */
  public record Upstream(
      @DefaultValue("15s") @NotNull Duration timeout,
      @DefaultValue Map<String, Duration> timeouts,
      @DefaultValue("256") @Positive int maxConcurrent) {}

  /**
   * The {@code send} frames' way to message-service (ADR 0006 §1): {@code POST
   * /internal/messages/send} with the sends of all sockets that arrived while a request was in
   * flight.
   *
   * @param messageServiceUri where message-service listens ({@code IM_MESSAGE_URI}, as the route)
   * @param timeout one request, connect included; beyond, its sends are answered {@code
   *     service_unavailable}
   * @param maxBatch sends per request (message-service takes up to 100)
   * @param maxInFlight requests in flight at once; while that many are, sends wait and go together
   *     in the next request
   * @param clientTracesPerSecond how many {@code send} frames a second (per instance) may join the
   *     sampled trace their client names in {@code traceparent} (ADR 0028); beyond, the client's
   *     context is ignored and the message is sampled like any other
   */
  public record Send(
      @DefaultValue("http://127.0.0.1:8083") @NotNull URI messageServiceUri,
      @DefaultValue("5s") @NotNull Duration timeout,
      @DefaultValue("64") @Min(1) @Max(100) int maxBatch,
      @DefaultValue("16") @Positive int maxInFlight,
      @DefaultValue("10") @Min(0) int clientTracesPerSecond) {}

  /**
   * What the instance reports to presence-service (ADR 0005).
   *
   * @param leaseRenewalInterval how often {@code GatewayLeaseRenewed} is published
   * @param lease how long presence keeps this instance's routes after the last renewal
   * @param keyPrefix presence-service's Redis key prefix (read only, to see a socket's route)
   * @param welcomeRouteWait how long a new socket's {@code welcome} waits for presence to route the
   *     socket; beyond, {@code welcome} is sent anyway (the client's catch-up repairs)
   */
  public record Presence(
      @DefaultValue("5s") @NotNull Duration leaseRenewalInterval,
      @DefaultValue("15s") @NotNull Duration lease,
      @DefaultValue("presence:") @NotBlank String keyPrefix,
      @DefaultValue("3s") @NotNull Duration welcomeRouteWait) {}

  /**
   * The web app (web-app/, ADR 0026): its built files served at {@code /} for {@code GET} and
   * {@code HEAD} outside {@code /api/**} and the socket path, each with {@link
   * #contentSecurityPolicy}.
   *
   * @param root the folder of the built app ({@code IM_WEB_ROOT}, {@code ./im up} sets it to
   *     web-app/dist); blank serves nothing
   * @param contentSecurityPolicy the {@code Content-Security-Policy} header of every file served:
   *     scripts, styles and connections from this origin only (and its WebSocket), images and media
   *     also from {@code blob:} (downloaded media, recordings, previews)
   */
  public record Web(
      @DefaultValue("") String root,
      @DefaultValue(
              "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:;"
                  + " img-src 'self' blob: data:; media-src 'self' blob:; object-src 'none';"
                  + " base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
          @NotBlank
          String contentSecurityPolicy) {}
}
