package com.parley.im.message.send;

import com.parley.im.defaults.ApiException;
import com.parley.im.protocol.ErrorCodes;
import org.springframework.http.HttpStatus;

/** The refusals of sending, with PROTOCOL.md's codes. */
final class SendErrors {

  private SendErrors() {}

  static ApiException invalid(String detail) {
    return ApiException.badRequest(ErrorCodes.VALIDATION_FAILED, detail);
  }

  static ApiException contentRejected() {
    return ApiException.badRequest(
        ErrorCodes.CONTENT_REJECTED, "The message contains words that are not allowed.");
  }

  static ApiException mediaNotFound(String mediaId) {
    return ApiException.badRequest(
        ErrorCodes.MEDIA_NOT_FOUND, "No upload of yours has mediaId " + mediaId + ".");
  }

  static ApiException mediaUnavailable() {
    return new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCodes.SERVICE_UNAVAILABLE,
        "Media cannot be checked right now; try again.");
  }

  static ApiException rateLimited() {
    return new ApiException(
        HttpStatus.TOO_MANY_REQUESTS, ErrorCodes.RATE_LIMITED, "Too many messages; slow down.");
  }

  static ApiException busy() {
    return new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCodes.SERVICE_UNAVAILABLE,
        "Messages cannot be stored right now; try again.");
  }
}
