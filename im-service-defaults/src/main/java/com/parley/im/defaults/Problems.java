package com.parley.im.defaults;

import com.parley.im.protocol.ErrorCodes;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Builds RFC 9457 problem details that always carry a stable {@code code} member. */
public final class Problems {

  private Problems() {}

  public static ProblemDetail of(HttpStatusCode status, String code, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create("https://parley.dev/problems/" + code.replace('_', '-')));
    problem.setProperty("code", code);
    return problem;
  }

  /** The code that a framework-raised status maps to when nothing more specific is known. */
  public static String codeFor(HttpStatusCode status) {
    HttpStatus known = HttpStatus.resolve(status.value());
    if (known == null) {
      return status.is5xxServerError() ? ErrorCodes.INTERNAL_ERROR : ErrorCodes.VALIDATION_FAILED;
    }
    return switch (known) {
      case UNAUTHORIZED -> ErrorCodes.UNAUTHORIZED;
      case FORBIDDEN -> ErrorCodes.FORBIDDEN;
      case NOT_FOUND, METHOD_NOT_ALLOWED -> ErrorCodes.NOT_FOUND;
      case TOO_MANY_REQUESTS -> ErrorCodes.RATE_LIMITED;
      case PAYLOAD_TOO_LARGE -> "too_large";
      case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
      case SERVICE_UNAVAILABLE, GATEWAY_TIMEOUT, BAD_GATEWAY -> ErrorCodes.SERVICE_UNAVAILABLE;
      default ->
          status.is5xxServerError() ? ErrorCodes.INTERNAL_ERROR : ErrorCodes.VALIDATION_FAILED;
    };
  }

  /**
   * Writes a problem straight to the response, for web filters that answer before any handler runs:
   * the RFC 9457 members, then {@code code}; nothing when the response is already committed.
   */
  public static Mono<Void> write(
      ServerWebExchange exchange, JsonMapper json, HttpStatus status, String code, String detail) {
    return write(exchange, json, of(status, code, detail));
  }

  /**
   * Writes {@code problem} straight to the response: the RFC 9457 members ({@code instance} is the
   * request's path unless set), then the extension members such as {@code code}; nothing when the
   * response is already committed. The one writer of problems outside controllers, for every
   * service and the gateway.
   */
  public static Mono<Void> write(
      ServerWebExchange exchange, JsonMapper json, ProblemDetail problem) {
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.empty();
    }
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("type", String.valueOf(problem.getType()));
    if (problem.getTitle() != null) {
      members.put("title", problem.getTitle());
    }
    members.put("status", problem.getStatus());
    if (problem.getDetail() != null) {
      members.put("detail", problem.getDetail());
    }
    members.put(
        "instance",
        problem.getInstance() != null
            ? problem.getInstance().getRawPath()
            : exchange.getRequest().getPath().value());
    if (problem.getProperties() != null) {
      members.putAll(problem.getProperties());
    }
    byte[] body = json.writeValueAsBytes(members);
    response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    response.getHeaders().setContentLength(body.length);
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
  }
}
