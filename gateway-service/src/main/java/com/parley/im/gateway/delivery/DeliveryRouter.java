package com.parley.im.gateway.delivery;

import com.parley.im.defaults.tracing.MessageTracing;
import com.parley.im.events.DeliveryBatch;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.session.ClientSession;
import com.parley.im.gateway.session.SessionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Writes the frames of this instance's delivery batches (ADR 0005) to the sockets it holds: each
 * delivery to every socket of the user, or of one device when {@code deviceId} is set, or of every
 * device but {@code exceptDeviceId} (the sender's own device, which has the ack).
 *
 * <p>A delivery that names {@code (conversationId, seq)} (a {@code message} frame, ADR 0006 §4) is
 * also kept on each socket it was written to until a {@code recv} covers it, and written again by
 * {@link Redelivery} every {@code im.gateway.websocket.redelivery-interval} while the socket lasts
 * (at most {@code redelivery-pending-limit} per socket; beyond, the oldest is forgotten and
 * counted).
 *
 * <p>Promises: the deliveries of a batch are queued on the sockets in batch order, and batches are
 * handled one at a time in queue order (the binding's concurrency is 1), so one device's frames
 * keep the order they were published in. Cannot promise: delivery. A delivery for a user or device
 * with no socket here (a stale route) is dropped and counted; so is a frame refused by a socket
 * that is closing or does not read. Clients repair by catch-up.
 *
 * <p>Tracing (ADR 0028): a delivery that carries its message's sampled {@code traceparent} is
 * written inside a {@code push} span, the child of that context, so the recipient's push is in the
 * trace of the {@code send}; the other deliveries create no span.
 */
@Component
public class DeliveryRouter {

  private final SessionRegistry registry;
  private final MessageTracing tracing;
  private final int pendingLimit;
  private final Counter received;
  private final Counter written;
  private final Counter dropped;
  private final Counter forgotten;
  private final AtomicLong receivedCount = new AtomicLong();
  private final AtomicLong droppedCount = new AtomicLong();

  DeliveryRouter(
      SessionRegistry registry,
      GatewayProperties properties,
      ObjectProvider<MeterRegistry> meters,
      MessageTracing tracing) {
    this.registry = registry;
    this.tracing = tracing;
    this.pendingLimit = properties.websocket().redeliveryPendingLimit();
    MeterRegistry meterRegistry = meters.getIfAvailable(SimpleMeterRegistry::new);
    this.received =
        Counter.builder("im.gateway.deliveries")
            .description("Deliveries received on this instance's queue")
            .tag("outcome", "received")
            .register(meterRegistry);
    this.written =
        Counter.builder("im.gateway.deliveries")
            .description("Frames queued on sockets from deliveries")
            .tag("outcome", "written")
            .register(meterRegistry);
    this.dropped =
        Counter.builder("im.gateway.deliveries")
            .description("Deliveries for which this instance holds no matching socket")
            .tag("outcome", "dropped")
            .register(meterRegistry);
    this.forgotten =
        Counter.builder("im.gateway.redeliveries")
            .description("Message frames forgotten because a socket kept too many for redelivery")
            .tag("outcome", "forgotten")
            .register(meterRegistry);
  }

  /** Writes one batch; called by the binding's single consumer thread. */
  public void route(DeliveryBatch batch) {
    for (DeliveryBatch.Delivery delivery : batch.deliveries()) {
      receivedCount.incrementAndGet();
      received.increment();
      // The push of a sampled message, in the message's trace (ADR 0028); null for the others.
      Span push = tracing.startChild("push", delivery.traceparent());
      try (var scope = tracing.inScope(push)) {
        write(delivery, push);
      } finally {
        MessageTracing.end(push);
      }
    }
  }

  /** Queues one delivery on its target sockets; {@code push} (null: untraced) is tagged. */
  private void write(DeliveryBatch.Delivery delivery, Span push) {
    List<ClientSession> sessions = targets(delivery);
    if (push != null) {
      push.tag("im.push.user", delivery.userId());
      push.tag("im.push.sockets", sessions.size());
    }
    if (sessions.isEmpty()) {
      droppedCount.incrementAndGet();
      dropped.increment();
      return;
    }
    for (ClientSession session : sessions) {
      if (!delivery.redelivered()) {
        if (session.send(delivery.frame())) {
          written.increment();
        }
        continue;
      }
      switch (session.sendAndKeep(
          delivery.conversationId(), delivery.seq(), delivery.frame(), pendingLimit)) {
        case KEPT -> written.increment();
        case KEPT_OLDEST_FORGOTTEN -> {
          written.increment();
          forgotten.increment();
        }
        case NOT_QUEUED -> {}
      }
    }
  }

  private List<ClientSession> targets(DeliveryBatch.Delivery delivery) {
    if (delivery.deviceId() != null) {
      return registry.sessionsOf(delivery.userId(), delivery.deviceId());
    }
    List<ClientSession> all = registry.sessionsOf(delivery.userId());
    String except = delivery.exceptDeviceId();
    if (except == null || all.isEmpty()) {
      return all;
    }
    List<ClientSession> others = new ArrayList<>(all.size());
    for (ClientSession session : all) {
      if (!session.deviceId().equals(except)) {
        others.add(session);
      }
    }
    return others;
  }

  /** Deliveries that arrived on this instance's queue since start. */
  public long received() {
    return receivedCount.get();
  }

  /** Deliveries that matched no socket of this instance since start. */
  public long dropped() {
    return droppedCount.get();
  }
}
