package com.parley.sdk;

/** A refusal by the server ({@code code} from docs/protocol.md) or a local failure. */
public class ParleyException extends RuntimeException {

  private final int status;
  private final String code;

  public ParleyException(int status, String code, String message) {
    super(code + ": " + message);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status (0 for socket refusals and local failures). */
  public int status() {
    return status;
  }

  /** The stable error code, e.g. {@code not_member}, {@code blocked}, {@code validation_failed}. */
  public String code() {
    return code;
  }
}
