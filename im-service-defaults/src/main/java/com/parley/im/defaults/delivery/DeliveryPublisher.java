package com.parley.im.defaults.delivery;

import com.parley.im.events.DeliveryBatch.Delivery;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Pushes frames to users' online sockets, wherever they are (ADR 0005): the frames are grouped by
 * the gateway instance that holds each target socket (from presence's routing table) and leave as
 * one transient batch per instance, in call order.
 *
 * <p>Promises: no gateway receives a frame for a socket it does not hold (beyond stale routes);
 * frames of one call for one device keep their order. Cannot promise: delivery (a batch can be
 * lost, a route can be stale): callers rely on redelivery or the client's catch-up by seq.
 */
public interface DeliveryPublisher {

  /** Completes once the batches were handed to the broker; users with no socket are skipped. */
  Mono<Void> deliver(List<Delivery> deliveries);
}
