package com.parley.im.defaults;

import org.springframework.http.HttpStatus;

/**
 * A refusal that the client should see as a problem detail with a stable {@code code}. Throw it (or
 * emit it as a reactive error) from an application service; {@link ProblemDetailsAdvice} turns it
 * into the response.
 */
public class ApiException extends RuntimeException {

  private final HttpStatus status;
  private final String code;

  public ApiException(HttpStatus status, String code, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
  }

  public static ApiException badRequest(String code, String detail) {
    return new ApiException(HttpStatus.BAD_REQUEST, code, detail);
  }

  public static ApiException unauthorized(String code, String detail) {
    return new ApiException(HttpStatus.UNAUTHORIZED, code, detail);
  }

  public static ApiException forbidden(String code, String detail) {
    return new ApiException(HttpStatus.FORBIDDEN, code, detail);
  }

  public static ApiException notFound(String code, String detail) {
    return new ApiException(HttpStatus.NOT_FOUND, code, detail);
  }

  public static ApiException conflict(String code, String detail) {
    return new ApiException(HttpStatus.CONFLICT, code, detail);
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }
}
