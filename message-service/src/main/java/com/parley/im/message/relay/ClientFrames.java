package com.parley.im.message.relay;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.delivery.DeliveryPublisher;
import com.parley.im.events.ClientFrameReceived;
import com.parley.im.events.DeliveryBatch.Delivery;
import com.parley.im.message.position.Positions;
import com.parley.im.message.position.Positions.Recv;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.protocol.Frames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the frames of {@code client-frames} mean (ADR 0006 §5): {@code recv} and {@code read} move
 * positions ({@link Positions}), {@code typing} and {@code signal} are relayed ({@link Relays}).
 *
 * <p>Promises: a malformed frame or an unknown type is logged and dropped, never retried; a {@code
 * recv}, {@code read} or {@code typing} about a conversation the user is not an active member of is
 * answered with an {@code error} frame {@code not_member} (with the frame's id) to the device that
 * sent it (issue 8), and changes nothing; replaying a frame changes no position (positions only
 * move forward). Errors of the database or the broker propagate, so the binder retries the batch
 * ({@code max-attempts}) and then dead-letters it; a retried batch relays its {@code typing} and
 * {@code signal} frames again (clients ignore repeats).
 */
@Service
class ClientFrames {

  private static final Logger log = LoggerFactory.getLogger(ClientFrames.class);

  private final Positions positions;
  private final Relays relays;
  private final DeliveryPublisher deliveries;
  private final JsonMapper json;

  ClientFrames(Positions positions, Relays relays, DeliveryPublisher deliveries, JsonMapper json) {
    this.positions = positions;
    this.relays = relays;
    this.deliveries = deliveries;
    this.json = json;
  }

  /**
   * Handles the frames of one batch: every {@code recv} of the batch in one statement ({@link
   * Positions#delivered(List)}), the other frames one after the other in their order.
   */
  Mono<Void> handle(List<ClientFrameReceived> events) {
    List<Recv> recvs = new ArrayList<>();
    // The ids of the recv frames per (conversation, user, device), to answer refused ones with.
    Map<List<String>, List<String>> recvIds = new HashMap<>();
    List<Mono<Void>> others = new ArrayList<>();
    for (ClientFrameReceived event : events) {
      try {
        Frame frame = parse(event);
        if ("recv".equals(frame.type())) {
          JsonNode node = frame.node();
          Recv recv =
              new Recv(text(node, "conversationId"), event.userId(), event.deviceId(), seq(node));
          recvs.add(recv);
          recvIds.computeIfAbsent(recvKey(recv), k -> new ArrayList<>()).add(frame.id());
        } else {
          others.add(refusalsAnswered(event, frame, dispatch(event, frame)));
        }
      } catch (JacksonException | IllegalArgumentException e) {
        log.warn(
            "Dropping client frame {} of user {}: {}",
            event.eventId(),
            event.userId(),
            e.getMessage());
      }
    }
    return Flux.concat(others)
        .then(positions.delivered(recvs))
        .flatMap(
            refused ->
                answer(
                    refused.stream()
                        .flatMap(
                            r ->
                                recvIds
                                    .getOrDefault(recvKey(r), Collections.singletonList(null))
                                    .stream()
                                    .distinct()
                                    .map(
                                        id ->
                                            error(
                                                r.userId(),
                                                r.deviceId(),
                                                id,
                                                ErrorCodes.NOT_MEMBER,
                                                "recv: no such conversation, or you are not a"
                                                    + " member of it: "
                                                    + r.conversationId())))
                        .toList()));
  }

  private static List<String> recvKey(Recv recv) {
    return List.of(recv.conversationId(), recv.userId(), recv.deviceId());
  }

  /** A refused frame is answered with an {@code error} frame to the device that sent it. */
  private Mono<Void> refusalsAnswered(ClientFrameReceived event, Frame frame, Mono<Void> work) {
    return work.onErrorResume(
        ApiException.class,
        e -> {
          log.debug(
              "Client frame {} of user {} refused: {}", event.eventId(), event.userId(), e.code());
          return answer(
              List.of(
                  error(
                      event.userId(),
                      event.deviceId(),
                      frame.id(),
                      e.code(),
                      frame.type() + ": " + e.getMessage())));
        });
  }

  private Delivery error(
      String userId, String deviceId, String frameId, String code, String message) {
    return new Delivery(
        userId, deviceId, json.writeValueAsString(new Frames.Error(frameId, code, message)));
  }

  /** Best effort, like every push: a failure is logged, the batch is not retried for it. */
  private Mono<Void> answer(List<Delivery> errors) {
    if (errors.isEmpty()) {
      return Mono.empty();
    }
    return deliveries
        .deliver(errors)
        .onErrorResume(
            e -> {
              log.warn(
                  "Could not answer {} refused client frames: {}", errors.size(), e.toString());
              return Mono.empty();
            });
  }

  private record Frame(String type, String id, JsonNode node) {}

  private Frame parse(ClientFrameReceived event) {
    if (event.userId() == null || event.deviceId() == null || event.frame() == null) {
      throw new IllegalArgumentException("no user, device or frame");
    }
    JsonNode node = json.readTree(event.frame());
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("the frame is not a JSON object");
    }
    String type = text(node, "type");
    JsonNode id = node.get("id");
    return new Frame(type, id != null && id.isString() ? id.asString() : null, node);
  }

  private Mono<Void> dispatch(ClientFrameReceived event, Frame frame) {
    JsonNode node = frame.node();
    return switch (frame.type()) {
      case "read" ->
          positions
              .read(text(node, "conversationId"), event.userId(), event.deviceId(), seq(node))
              .then();
      case "typing" -> relays.typing(text(node, "conversationId"), event.userId());
      case "signal" -> signal(event, frame);
      default -> {
        log.warn("Dropping client frame {} of unknown type {}", event.eventId(), frame.type());
        yield Mono.empty();
      }
    };
  }

  @SuppressWarnings("unchecked")
  private Mono<Void> signal(ClientFrameReceived event, Frame frame) {
    JsonNode node = frame.node();
    JsonNode payload = node.get("payload");
    if (payload == null || !payload.isObject()) {
      throw new IllegalArgumentException("signal without an object payload");
    }
    return relays.signal(
        event.userId(),
        event.deviceId(),
        frame.id(),
        text(node, "toUserId"),
        text(node, "callId"),
        json.treeToValue(payload, Map.class));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isString() || value.asString().isEmpty()) {
      throw new IllegalArgumentException("missing string field " + field);
    }
    return value.asString();
  }

  private static long seq(JsonNode node) {
    JsonNode value = node.get("seq");
    if (value == null || !value.isIntegralNumber() || value.asLong() < 0) {
      throw new IllegalArgumentException("missing or negative seq");
    }
    return value.asLong();
  }
}
