package com.parley.im.protocol;

/** Stable machine-readable {@code code} values of problem details and {@code error} frames. */
public final class ErrorCodes {

  public static final String VALIDATION_FAILED = "validation_failed";
  public static final String MALFORMED_JSON = "malformed_json";
  public static final String UNKNOWN_TYPE = "unknown_type";
  public static final String FRAME_TOO_LARGE = "frame_too_large";
  public static final String UNAUTHORIZED = "unauthorized";
  public static final String TOKEN_EXPIRED = "token_expired";
  public static final String INVALID_CREDENTIALS = "invalid_credentials";
  public static final String INVALID_REFRESH_TOKEN = "invalid_refresh_token";
  public static final String USERNAME_TAKEN = "username_taken";
  public static final String NOT_FOUND = "not_found";
  public static final String FORBIDDEN = "forbidden";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String SERVICE_UNAVAILABLE = "service_unavailable";
  public static final String INTERNAL_ERROR = "internal_error";
  public static final String NOT_FRIENDS = "not_friends";
  public static final String BLOCKED = "blocked";
  public static final String NOT_MEMBER = "not_member";
  public static final String MEDIA_NOT_FOUND = "media_not_found";
  public static final String GROUP_FULL = "group_full";
  public static final String RECALL_EXPIRED = "recall_expired";
  public static final String CONTENT_REJECTED = "content_rejected";
  public static final String CONFLICT = "conflict";

  /** An {@code error} frame with this code is the last one: the server closes the socket. */
  public static final String CLOSING = "closing";

  private ErrorCodes() {}
}
