package com.parley.im.message.send;

import com.parley.im.protocol.MessageKinds;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a send against PROTOCOL.md's table of kinds and returns the body to store: only the fields
 * of its kind (others are dropped), with the sensitive-word filter applied to text, location labels
 * and file names. Every refusal is {@code validation_failed} (or {@code content_rejected} from the
 * filter) with a message that names the field.
 */
@Component
class MessageValidator {

  /** A valid send's body to store and, for media kinds, the media it names. */
  record Valid(Map<String, Object> body, String mediaId) {}

  static final int MAX_CLIENT_MSG_ID = 64;
  static final int MAX_TEXT = 4000;
  static final int MAX_EMOJI = 64;
  static final int MAX_MEDIA_ID = 128;
  static final int MAX_FILE_NAME = 255;
  static final int MAX_LABEL = 256;
  static final int MAX_CUSTOM_BYTES = 16 * 1024;

  private final SensitiveWordFilter words;
  private final JsonMapper json;

  MessageValidator(SensitiveWordFilter words, JsonMapper json) {
    this.words = words;
    this.json = json;
  }

  Valid validate(SendCommand send) {
    if (send.userId() == null || send.userId().isBlank()) {
      throw SendErrors.invalid("userId is required.");
    }
    if (send.deviceId() == null || send.deviceId().isBlank()) {
      throw SendErrors.invalid("deviceId is required.");
    }
    String clientMsgId = send.clientMsgId();
    if (clientMsgId == null || clientMsgId.isEmpty() || clientMsgId.length() > MAX_CLIENT_MSG_ID) {
      throw SendErrors.invalid("clientMsgId must have 1-64 characters.");
    }
    if (send.conversationId() == null || send.conversationId().isBlank()) {
      throw SendErrors.invalid("conversationId is required.");
    }
    if (hasControl(clientMsgId) || hasControl(send.conversationId())) {
      // Ids are stored as text, which cannot hold U+0000: refused rather than failing the store.
      throw SendErrors.invalid(
          "clientMsgId and conversationId may not contain control characters.");
    }
    String kind = send.kind();
    if (MessageKinds.SERVER.contains(kind)) {
      throw SendErrors.invalid("Messages of kind " + kind + " are written by the server only.");
    }
    if (kind == null || !MessageKinds.CLIENT.contains(kind)) {
      throw SendErrors.invalid(MessageKinds.clientKindsRequired());
    }
    if (!(send.body() instanceof Map<?, ?> raw)) {
      throw SendErrors.invalid("body must be a JSON object.");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) raw;
    Map<String, Object> out = new LinkedHashMap<>();
    String mediaId = null;
    switch (kind) {
      case "text" -> {
        String text = string(body, "text", 1, MAX_TEXT, true);
        if (text.isBlank()) {
          throw SendErrors.invalid("body.text must not be blank.");
        }
        out.put("text", words.apply(text));
      }
      case "emoji" -> out.put("emoji", string(body, "emoji", 1, MAX_EMOJI, true));
      case "image" -> {
        mediaId = media(body, out);
        out.put("width", integer(body, "width", 1, 100_000, true));
        out.put("height", integer(body, "height", 1, 100_000, true));
      }
      case "voice" -> {
        mediaId = media(body, out);
        out.put("durationMs", integer(body, "durationMs", 1, 24L * 3600 * 1000, true));
      }
      case "video" -> {
        mediaId = media(body, out);
        out.put("durationMs", integer(body, "durationMs", 1, 24L * 3600 * 1000, true));
        putIfPresent(out, "width", integer(body, "width", 1, 100_000, false));
        putIfPresent(out, "height", integer(body, "height", 1, 100_000, false));
      }
      case "file" -> {
        mediaId = media(body, out);
        out.put("name", words.apply(string(body, "name", 1, MAX_FILE_NAME, true)));
        out.put("size", integer(body, "size", 0, Long.MAX_VALUE, true));
      }
      case "location" -> {
        out.put("lat", number(body, "lat", -90, 90));
        out.put("lng", number(body, "lng", -180, 180));
        String label = string(body, "label", 0, MAX_LABEL, false);
        putIfPresent(out, "label", words.apply(label));
      }
      case "custom" -> {
        if (json.writeValueAsBytes(body).length > MAX_CUSTOM_BYTES) {
          throw SendErrors.invalid("A custom body may have at most 16 KiB of JSON.");
        }
        out.putAll(body);
      }
      default -> throw new IllegalStateException(kind);
    }
    return new Valid(out, mediaId);
  }

  private static String media(Map<String, Object> body, Map<String, Object> out) {
    String mediaId = string(body, "mediaId", 1, MAX_MEDIA_ID, true);
    out.put("mediaId", mediaId);
    return mediaId;
  }

  static boolean hasControl(String id) {
    return id.chars().anyMatch(c -> c < 0x20 || c == 0x7F);
  }

  private static void putIfPresent(Map<String, Object> out, String field, Object value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  private static String string(
      Map<String, Object> body, String field, int min, int max, boolean required) {
    Object value = body.get(field);
    if (value == null) {
      if (required) {
        throw SendErrors.invalid("body." + field + " is required.");
      }
      return null;
    }
    if (!(value instanceof String s)) {
      throw SendErrors.invalid("body." + field + " must be a string.");
    }
    int length = s.codePointCount(0, s.length());
    if (length < min || length > max) {
      throw SendErrors.invalid("body." + field + " must have " + min + "-" + max + " characters.");
    }
    return s;
  }

  private static Long integer(
      Map<String, Object> body, String field, long min, long max, boolean required) {
    Object value = body.get(field);
    if (value == null) {
      if (required) {
        throw SendErrors.invalid("body." + field + " is required.");
      }
      return null;
    }
    long n;
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      n = ((Number) value).longValue();
    } else if (value instanceof BigInteger big && big.bitLength() < 64) {
      n = big.longValue();
    } else if (value instanceof Number number
        && isIntegral(number)
        && Math.abs(number.doubleValue()) < 9e15) {
      n = number.longValue();
    } else {
      throw SendErrors.invalid("body." + field + " must be an integer.");
    }
    if (n < min || n > max) {
      throw SendErrors.invalid("body." + field + " must be between " + min + " and " + max + ".");
    }
    return n;
  }

  private static boolean isIntegral(Number number) {
    if (number instanceof BigDecimal decimal) {
      return decimal.stripTrailingZeros().scale() <= 0;
    }
    double d = number.doubleValue();
    return !Double.isInfinite(d) && d == Math.rint(d);
  }

  private static double number(Map<String, Object> body, String field, double min, double max) {
    Object value = body.get(field);
    if (value == null) {
      throw SendErrors.invalid("body." + field + " is required.");
    }
    if (!(value instanceof Number number)) {
      throw SendErrors.invalid("body." + field + " must be a number.");
    }
    double d = number.doubleValue();
    if (Double.isNaN(d) || d < min || d > max) {
      throw SendErrors.invalid("body." + field + " must be between " + min + " and " + max + ".");
    }
    return d;
  }
}
