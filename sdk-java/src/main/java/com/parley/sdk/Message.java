package com.parley.sdk;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A stored message, as the server sends it ({@code message} frames and history pages) or as the SDK
 * learnt it from its own acked send. {@code body} is null once recalled.
 */
public record Message(
    String messageId,
    String conversationId,
    long seq,
    String senderId,
    String senderDeviceId,
    String clientMsgId,
    String kind,
    JsonNode body,
    Instant createdAt,
    Instant recalledAt) {

  static Message of(JsonNode json) {
    return new Message(
        text(json, "messageId"),
        text(json, "conversationId"),
        json.path("seq").asLong(),
        text(json, "senderId"),
        text(json, "senderDeviceId"),
        text(json, "clientMsgId"),
        text(json, "kind"),
        json.has("body") && !json.get("body").isNull() ? json.get("body") : null,
        instant(json, "createdAt"),
        instant(json, "recalledAt"));
  }

  private static String text(JsonNode json, String field) {
    JsonNode node = json.get(field);
    return node == null || node.isNull() ? null : node.asString();
  }

  private static Instant instant(JsonNode json, String field) {
    String value = text(json, field);
    return value == null ? null : Instant.parse(value);
  }
}
