package com.parley.im.gateway.websocket;

import com.parley.im.protocol.ErrorCodes;
import tools.jackson.databind.JsonNode;

/** Checks of the fields of client frames; each failure is a {@code validation_failed}. */
final class Fields {

  static final int MAX_ID = 64;
  static final int MAX_REF = 128;

  private Fields() {}

  /** A string of 1 to {@code max} characters. */
  static String requireString(JsonNode frame, String field, int max) {
    JsonNode value = frame.get(field);
    if (value == null || value.isNull()) {
      throw invalid(field + " is required.");
    }
    if (!value.isString()) {
      throw invalid(field + " must be a string.");
    }
    String text = value.asString();
    if (text.isEmpty() || text.length() > max) {
      throw invalid(field + " must have 1 to " + max + " characters.");
    }
    return text;
  }

  /** A JSON integer of at least 0. */
  static long requireSeq(JsonNode frame, String field) {
    JsonNode value = frame.get(field);
    if (value == null || value.isNull()) {
      throw invalid(field + " is required.");
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
      throw invalid(field + " must be an integer of at least 0.");
    }
    return value.asLong();
  }

  /** A JSON object. */
  static JsonNode requireObject(JsonNode frame, String field) {
    JsonNode value = frame.get(field);
    if (value == null || value.isNull()) {
      throw invalid(field + " is required.");
    }
    if (!value.isObject()) {
      throw invalid(field + " must be a JSON object.");
    }
    return value;
  }

  /** Present and not null. */
  static JsonNode requirePresent(JsonNode frame, String field) {
    JsonNode value = frame.get(field);
    if (value == null || value.isNull()) {
      throw invalid(field + " is required.");
    }
    return value;
  }

  static FrameRejected invalid(String message) {
    return new FrameRejected(ErrorCodes.VALIDATION_FAILED, message);
  }
}
