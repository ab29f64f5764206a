package com.parley.im.defaults.text;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.Problems;
import com.parley.im.protocol.ErrorCodes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses REST requests whose text is not well-formed Unicode ({@link WellFormedText}, ADR 0009),
 * in every service, before any handler reads them: a JSON body (any {@code application/json} or
 * {@code +json} type) is checked while it streams in, so the handler's decoding fails with 400
 * {@code validation_failed}; the path and the query string (percent-decoded bytes) are checked up
 * front. Other bodies (media uploads) pass untouched.
 */
public final class WellFormedTextFilter implements WebFilter, Ordered {

  private final JsonMapper json;

  public WellFormedTextFilter(JsonMapper json) {
    this.json = json;
  }

  static final String DETAIL =
      "The request's text must be well-formed Unicode (UTF-8, no lone surrogates).";

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 30;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    if (!wellFormedUri(request.getURI().getRawPath())
        || !wellFormedUri(request.getURI().getRawQuery())) {
      return Problems.write(
          exchange, json, HttpStatus.BAD_REQUEST, ErrorCodes.VALIDATION_FAILED, DETAIL);
    }
    MediaType type = request.getHeaders().getContentType();
    if (type == null
        || !(MediaType.APPLICATION_JSON.isCompatibleWith(type)
            || (type.getSubtype() != null && type.getSubtype().endsWith("+json")))) {
      return chain.filter(exchange);
    }
    ServerHttpRequest checked =
        new ServerHttpRequestDecorator(request) {
          @Override
          public Flux<DataBuffer> getBody() {
            WellFormedText scanner = new WellFormedText();
            return super.getBody()
                .<DataBuffer>handle(
                    (buffer, sink) -> {
                      if (feed(scanner, buffer)) {
                        sink.next(buffer);
                      } else {
                        org.springframework.core.io.buffer.DataBufferUtils.release(buffer);
                        sink.error(ApiException.badRequest(ErrorCodes.VALIDATION_FAILED, DETAIL));
                      }
                    })
                .concatWith(
                    Flux.defer(
                        () ->
                            scanner.finish()
                                ? Flux.empty()
                                : Flux.error(
                                    ApiException.badRequest(
                                        ErrorCodes.VALIDATION_FAILED, DETAIL))));
          }
        };
    return chain.filter(exchange.mutate().request(checked).build());
  }

  private static boolean feed(WellFormedText scanner, DataBuffer buffer) {
    try (DataBuffer.ByteBufferIterator it = buffer.readableByteBuffers()) {
      while (it.hasNext()) {
        ByteBuffer bytes = it.next();
        while (bytes.hasRemaining()) {
          if (!scanner.feed(bytes.get())) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** A raw (percent-encoded) path or query whose decoded bytes are strict UTF-8. */
  static boolean wellFormedUri(String raw) {
    if (raw == null || raw.indexOf('%') < 0) {
      return true; // URIs are ASCII; nothing encoded, nothing to decode wrongly
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length()) {
        int high = Character.digit(raw.charAt(i + 1), 16);
        int low = Character.digit(raw.charAt(i + 2), 16);
        if (high >= 0 && low >= 0) {
          bytes.write(high << 4 | low);
          i += 2;
          continue;
        }
      }
      bytes.write(c < 0x80 ? c : '?');
    }
    // Backslashes in a URI are not escapes: only the UTF-8 matters here.
    byte[] decoded = bytes.toByteArray();
    for (int i = 0; i < decoded.length; i++) {
      if (decoded[i] == '\\') {
        decoded[i] = '/';
      }
    }
    return WellFormedText.check(decoded);
  }
}
