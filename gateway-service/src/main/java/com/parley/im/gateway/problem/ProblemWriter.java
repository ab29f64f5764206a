package com.parley.im.gateway.problem;

import com.parley.im.defaults.Problems;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes RFC 9457 problem details straight to a response, for the places that answer before any
 * controller runs: security, rate limits, the WebSocket handshake and errors in web filters.
 */
@Component
public class ProblemWriter {

  private final JsonMapper json;

  public ProblemWriter(JsonMapper json) {
    this.json = json;
  }

  /** Answers with a problem of this status and code, unless the response is already committed. */
  public Mono<Void> write(
      ServerWebExchange exchange, HttpStatus status, String code, String detail) {
    return write(exchange, Problems.of(status, code, detail));
  }

  public Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem) {
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.empty();
    }
    if (problem.getInstance() == null) {
      problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
    }
    response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
    HttpHeaders headers = response.getHeaders();
    headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    byte[] body = json.writeValueAsBytes(asMap(problem));
    headers.setContentLength(body.length);
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
  }

  /** The RFC 9457 members followed by the extension members (such as {@code code}). */
  static Map<String, Object> asMap(ProblemDetail problem) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", String.valueOf(problem.getType()));
    if (problem.getTitle() != null) {
      map.put("title", problem.getTitle());
    }
    map.put("status", problem.getStatus());
    if (problem.getDetail() != null) {
      map.put("detail", problem.getDetail());
    }
    if (problem.getInstance() != null) {
      map.put("instance", problem.getInstance().getRawPath());
    }
    if (problem.getProperties() != null) {
      map.putAll(problem.getProperties());
    }
    return map;
  }
}
