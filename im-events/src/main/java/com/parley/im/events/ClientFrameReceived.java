package com.parley.im.events;

import java.time.Instant;

/**
 * A client sent a {@code recv}, {@code read}, {@code typing} or {@code signal} frame on a socket of
 * a gateway instance; the gateway validated its shape and hands it to message-service, which owns
 * what the frame means. Published by the gateway to {@value Destinations#CLIENT_FRAMES}
 * (persistent, without waiting for confirms: the client gets no answer to these frames, and a lost
 * {@code recv} or {@code read} is covered by the next one, since positions only move forward).
 *
 * @param instanceId the gateway instance holding the socket (errors are pushed back through it)
 * @param frame the client's frame, as JSON text
 */
public record ClientFrameReceived(
    String eventId,
    Instant occurredAt,
    String instanceId,
    String userId,
    String deviceId,
    String sessionId,
    String frame)
    implements DomainEvent {}
