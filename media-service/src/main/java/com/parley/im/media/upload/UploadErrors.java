package com.parley.im.media.upload;

import com.parley.im.defaults.ApiException;
import org.springframework.http.HttpStatus;

/** The problems of uploads (docs/protocol.md, Media). */
final class UploadErrors {

  private UploadErrors() {}

  static ApiException empty() {
    return ApiException.badRequest("empty_upload", "The file is empty.");
  }

  static ApiException noFile() {
    return ApiException.badRequest(
        "validation_failed", "Send the file in the multipart field 'file'.");
  }

  static ApiException tooManyParts(int max) {
    return ApiException.badRequest(
        "too_many_parts", "At most " + max + " parts, with one file in the field 'file'.");
  }

  static ApiException tooLarge(String category, long limit) {
    return new ApiException(
        HttpStatus.CONTENT_TOO_LARGE,
        "too_large",
        "A " + category + " may have at most " + limit + " bytes.");
  }

  static ApiException tooManyPixels(long pixels, long limit) {
    return new ApiException(
        HttpStatus.CONTENT_TOO_LARGE,
        "image_too_large",
        "The image has " + pixels + " pixels; at most " + limit + " are taken.");
  }

  static ApiException rateLimited() {
    return new ApiException(
        HttpStatus.TOO_MANY_REQUESTS, "rate_limited", "Too many uploads; try again in a minute.");
  }
}
