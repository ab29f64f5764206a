package com.parley.im.gateway.presence;

import com.parley.im.events.Destinations;
import com.parley.im.events.GatewayLeaseRenewed;
import com.parley.im.events.SocketChanged;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.broker.BrokerPublisher;
import com.parley.im.gateway.broker.BrokerPublishers;
import com.parley.im.gateway.session.ClientSession;
import com.parley.im.protocol.SocketCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Tells presence-service which sockets this instance holds (ADR 0005): {@code SocketChanged}
 * ({@code opened}, then {@code closed} with its reason) to {@value Destinations#SOCKET_CHANGED},
 * and {@code GatewayLeaseRenewed} every {@code im.gateway.presence.lease-renewal-interval} to
 * {@value Destinations#GATEWAY_LEASE_RENEWED}.
 *
 * <p>Promises: events reach the broker in the order they were reported (one {@link BrokerPublisher}
 * thread, off the event loops, one channel). Cannot promise delivery. When the broker is
 * unreachable an event is logged and lost, and beyond {@value #MAX_PENDING} waiting events new ones
 * are dropped; the lease then lapses and presence drops this instance's routes, which is the safe
 * side.
 */
@Component
public class SocketReporter implements SmartLifecycle, DisposableBean {

  static final int MAX_PENDING = 10_000;

  /** Before the sockets are closed at shutdown, so renewals stop first; closes still publish. */
  private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 256;

  private final BrokerPublisher publisher;
  private final String instanceId;
  private final GatewayProperties.Presence settings;
  private volatile Disposable renewals;

  SocketReporter(BrokerPublishers broker, GatewayProperties properties) {
    this.publisher = broker.create("presence", MAX_PENDING);
    this.instanceId = properties.instanceId();
    this.settings = properties.presence();
  }

  /** Reports a socket that is registered and has its {@code welcome} queued. */
  public void opened(ClientSession session) {
    publish(Destinations.SOCKET_CHANGED, changed(session, SocketChanged.OPENED, null));
  }

  // The event id (a SecureRandom UUID, which may read /dev/urandom) is made on the publishing
  // thread, not on the event loop that reports the change.

  /**
   * Reports a socket that has ended, with the reason its close status tells ({@code client} when
   * the client closed or the connection dropped, {@code error} when it failed).
   */
  public void closed(ClientSession session, boolean failed) {
    String reason = failed ? "error" : reason(session.closeStatus());
    publish(Destinations.SOCKET_CHANGED, changed(session, SocketChanged.CLOSED, reason));
  }

  static String reason(CloseStatus status) {
    if (status == null) {
      return "client";
    }
    return switch (status.getCode()) {
      case SocketCodes.CLOSE_HEARTBEAT_TIMEOUT -> "heartbeat_timeout";
      case SocketCodes.CLOSE_SESSION_REVOKED -> "revoked";
      case SocketCodes.CLOSE_GOING_AWAY -> "shutdown";
      case 1000 -> "client";
      default -> "error"; // 1008: a client that did not read its frames
    };
  }

  private Supplier<Object> changed(ClientSession session, String change, String reason) {
    Instant now = Instant.now();
    return () ->
        new SocketChanged(
            UUID.randomUUID().toString(),
            now,
            instanceId,
            session.userId(),
            session.deviceId(),
            session.sessionId(),
            session.id(),
            change,
            reason);
  }

  private void publish(String destination, Supplier<Object> eventOf) {
    publisher.publish(destination, eventOf);
  }

  @Override
  public void start() {
    renewals =
        Flux.interval(Duration.ZERO, settings.leaseRenewalInterval(), Schedulers.parallel())
            .name("im.gateway.lease-renewal")
            .onBackpressureDrop()
            .subscribe(
                tick ->
                    publish(
                        Destinations.GATEWAY_LEASE_RENEWED,
                        () ->
                            new GatewayLeaseRenewed(
                                UUID.randomUUID().toString(),
                                Instant.now(),
                                instanceId,
                                settings.lease().toSeconds())));
  }

  @Override
  public void stop() {
    Disposable current = renewals;
    if (current != null) {
      current.dispose();
    }
  }

  @Override
  public boolean isRunning() {
    Disposable current = renewals;
    return current != null && !current.isDisposed();
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public void destroy() {
    // Lets the closes of the shutdown's sockets leave, for a moment.
    publisher.shutdown(Duration.ofSeconds(2));
  }
}
