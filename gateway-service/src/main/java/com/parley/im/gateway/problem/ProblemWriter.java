package com.parley.im.gateway.problem;

import com.parley.im.defaults.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
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

  /** The mapper problems are written with. */
  public JsonMapper json() {
    return json;
  }

  /** Answers with a problem of this status and code, unless the response is already committed. */
  public Mono<Void> write(
      ServerWebExchange exchange, HttpStatus status, String code, String detail) {
    return write(exchange, Problems.of(status, code, detail));
  }

  /** Answers with {@code problem} ({@link Problems#write}), unless the response is committed. */
  public Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem) {
    return Problems.write(exchange, json, problem);
  }
}
