package com.parley.im.events;

import java.util.List;

/**
 * Frames for the sockets of one gateway instance, published to the direct exchange {@value
 * Destinations#GATEWAY_DELIVERIES} with the instance id as routing key (ADR 0005). Transient: a
 * lost batch is repaired by redelivery or by the client's catch-up.
 */
public record DeliveryBatch(String instanceId, List<Delivery> deliveries) {

  /**
   * One frame for one user's sockets on that instance.
   *
   * @param deviceId only this device's sockets; null for all of the user's devices
   * @param frame the JSON text of the frame, as the client will read it
   */
  public record Delivery(String userId, String deviceId, String frame) {}
}
