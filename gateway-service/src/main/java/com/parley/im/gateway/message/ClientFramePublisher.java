package com.parley.im.gateway.message;

import com.parley.im.defaults.SecureIds;
import com.parley.im.events.ClientFrameReceived;
import com.parley.im.events.Destinations;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.broker.BrokerPublisher;
import com.parley.im.gateway.broker.BrokerPublishers;
import com.parley.im.gateway.session.ClientSession;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hands the {@code recv}, {@code read}, {@code typing} and {@code signal} frames of this instance's
 * sockets to message-service (ADR 0006 §5): one {@link ClientFrameReceived} per frame to {@value
 * Destinations#CLIENT_FRAMES}, persistent, without waiting for confirms, from one publishing thread
 * of its own (never an event loop).
 *
 * <p>Promises: the frames reach the broker in the order they were handed over (one {@link
 * com.parley.im.gateway.broker.BrokerPublisher} thread, one channel). Cannot promise delivery: when
 * the broker is unreachable a frame is lost, and beyond {@value #MAX_PENDING} waiting frames new
 * ones are dropped (counted as {@code im.gateway.client-frames{outcome=dropped}}). That is
 * acceptable for these frames: positions only move forward, so a lost {@code recv} or {@code read}
 * is covered by the next one, and {@code typing} and {@code signal} are retried by people and
 * WebRTC.
 */
@Component
public class ClientFramePublisher implements DisposableBean {

  static final int MAX_PENDING = 10_000;

  private final BrokerPublisher publisher;
  private final SecureIds ids;
  private final JsonMapper json;
  private final String instanceId;

  ClientFramePublisher(
      BrokerPublishers broker,
      SecureIds ids,
      JsonMapper json,
      GatewayProperties properties,
      ObjectProvider<MeterRegistry> meters) {
    this.publisher = broker.create("client-frames", MAX_PENDING);
    this.ids = ids;
    this.json = json;
    this.instanceId = properties.instanceId();
    meters.ifAvailable(
        registry -> {
          FunctionCounter.builder("im.gateway.client-frames", publisher, BrokerPublisher::dropped)
              .description("Client frames dropped because the publisher's queue was full")
              .tag("outcome", "dropped")
              .register(registry);
          FunctionCounter.builder("im.gateway.client-frames", publisher, BrokerPublisher::failed)
              .description("Client frames the broker did not take")
              .tag("outcome", "failed")
              .register(registry);
        });
  }

  /** Publishes one validated frame of this socket; returns at once. */
  public void publish(ClientSession session, JsonNode frame) {
    Instant now = Instant.now();
    String userId = session.userId();
    String deviceId = session.deviceId();
    String sessionId = session.sessionId();
    // The id and the JSON text are made on the publishing thread, off the event loop.
    publisher.publish(
        Destinations.CLIENT_FRAMES,
        () ->
            new ClientFrameReceived(
                ids.eventId(),
                now,
                instanceId,
                userId,
                deviceId,
                sessionId,
                json.writeValueAsString(frame)));
  }

  @Override
  public void destroy() {
    publisher.shutdown(Duration.ofSeconds(2));
  }
}
