package com.parley.im.events;

import com.fasterxml.jackson.annotation.JsonInclude;
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
   * @param exceptDeviceId when {@code deviceId} is null: not this device's sockets (a sender's own
   *     device gets the ack instead of the message); null for none
   * @param conversationId with {@code seq}: the frame is the {@code message} with that seq, which
   *     the gateway pushes again until the device covers it with a {@code recv} (PROTOCOL.md
   *     guarantee 4); null for frames that are not redelivered
   * @param seq see {@code conversationId}; 0 when that is null
   * @param frame the JSON text of the frame, as the client will read it
   * @param traceparent the W3C trace context of the message the frame is about, when its trace is
   *     sampled (the gateway's push joins that trace, ADR 0028); null otherwise (and left out of
   *     the JSON)
   */
  public record Delivery(
      String userId,
      String deviceId,
      String exceptDeviceId,
      String conversationId,
      long seq,
      String frame,
      @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent) {

    /** A delivery outside any sampled trace. */
    public Delivery(
        String userId,
        String deviceId,
        String exceptDeviceId,
        String conversationId,
        long seq,
        String frame) {
      this(userId, deviceId, exceptDeviceId, conversationId, seq, frame, null);
    }

    /** A frame that is pushed once, to all of the user's devices or to one. */
    public Delivery(String userId, String deviceId, String frame) {
      this(userId, deviceId, null, null, 0, frame);
    }

    /** A {@code message} frame, redelivered until covered by a {@code recv}. */
    public static Delivery message(
        String userId, String exceptDeviceId, String conversationId, long seq, String frame) {
      return new Delivery(userId, null, exceptDeviceId, conversationId, seq, frame);
    }

    /** This delivery, in the trace of {@code traceparent} (null: none). */
    public Delivery tracedBy(String traceparent) {
      if (java.util.Objects.equals(traceparent, this.traceparent)) {
        return this;
      }
      return new Delivery(
          userId, deviceId, exceptDeviceId, conversationId, seq, frame, traceparent);
    }

    /** True when the gateway must push this frame again until a {@code recv} covers it. */
    public boolean redelivered() {
      return conversationId != null;
    }
  }
}
