package com.parley.im.media.tus;

import com.parley.im.defaults.ApiException;
import com.parley.im.media.MediaProperties;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * tus 1.0.0 at {@code /api/media/uploads} (core, creation, termination, expiration): {@code
 * OPTIONS} for discovery, {@code POST} to create (with {@code Upload-Length}, optional {@code
 * Upload-Metadata filename}), {@code HEAD} for the offset, {@code PATCH} (or {@code POST} with
 * {@code X-HTTP-Method-Override: PATCH}, as tus-java-client sends) to append, {@code DELETE} to
 * terminate. The upload URL's last segment is the media item's id once complete. Every answer
 * carries {@code Tus-Resumable} ({@link TusHeadersFilter}).
 */
@RestController
class TusController {

  static final String OFFSET_STREAM = "application/offset+octet-stream";
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

  private final TusService tus;
  private final MediaProperties properties;

  TusController(TusService tus, MediaProperties properties) {
    this.tus = tus;
    this.properties = properties;
  }

  @RequestMapping(path = "/api/media/uploads", method = RequestMethod.OPTIONS)
  ResponseEntity<Void> options() {
    return ResponseEntity.noContent()
        .header("Tus-Version", TusHeadersFilter.VERSION)
        .header("Tus-Extension", "creation,termination,expiration")
        .header("Tus-Max-Size", Long.toString(properties.limits().largest()))
        .build();
  }

  @PostMapping(path = "/api/media/uploads", headers = "!X-HTTP-Method-Override")
  Mono<ResponseEntity<Void>> create(
      @AuthenticationPrincipal Jwt token,
      @RequestHeader(name = "Upload-Length", required = false) String length,
      @RequestHeader(name = "Upload-Metadata", required = false) String metadata) {
    long bytes = number(length, "Upload-Length");
    return tus.create(token.getSubject(), bytes, filename(metadata))
        .map(
            session ->
                ResponseEntity.status(HttpStatus.CREATED)
                    .header(HttpHeaders.LOCATION, "/api/media/uploads/" + session.uploadId())
                    .header("Upload-Expires", expires(session))
                    .<Void>build());
  }

  @RequestMapping(path = "/api/media/uploads/{id}", method = RequestMethod.HEAD)
  Mono<ResponseEntity<Void>> head(@AuthenticationPrincipal Jwt token, @PathVariable String id) {
    return tus.find(id, token.getSubject())
        .map(
            session ->
                ResponseEntity.ok()
                    .header("Upload-Offset", Long.toString(session.offset()))
                    .header("Upload-Length", Long.toString(session.length()))
                    .header("Upload-Expires", expires(session))
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .<Void>build());
  }

  @RequestMapping(path = "/api/media/uploads/{id}", method = RequestMethod.PATCH)
  Mono<ResponseEntity<Void>> patch(
      @AuthenticationPrincipal Jwt token,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
      @RequestHeader(name = "Upload-Offset", required = false) String offset,
      @RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) Long contentLength,
      @RequestBody(required = false) Flux<DataBuffer> body) {
    if (!OFFSET_STREAM.equals(contentType)) {
      return Mono.error(
          new ApiException(
              HttpStatus.UNSUPPORTED_MEDIA_TYPE,
              "unsupported_media_type",
              "A PATCH carries " + OFFSET_STREAM + "."));
    }
    long from = number(offset, "Upload-Offset");
    return tus.append(
            id,
            token.getSubject(),
            from,
            contentLength == null ? -1 : contentLength,
            body == null ? Flux.empty() : body)
        .map(
            appended ->
                ResponseEntity.noContent()
                    .header("Upload-Offset", Long.toString(appended.offset()))
                    .header(
                        "Upload-Expires", HTTP_DATE.format(tus.expiry().atOffset(ZoneOffset.UTC)))
                    .<Void>build());
  }

  /** tus-java-client's PATCH: a POST with {@code X-HTTP-Method-Override: PATCH}. */
  @PostMapping(path = "/api/media/uploads/{id}", headers = "X-HTTP-Method-Override=PATCH")
  Mono<ResponseEntity<Void>> patchOverride(
      @AuthenticationPrincipal Jwt token,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
      @RequestHeader(name = "Upload-Offset", required = false) String offset,
      @RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) Long contentLength,
      @RequestBody(required = false) Flux<DataBuffer> body) {
    return patch(token, id, contentType, offset, contentLength, body);
  }

  @DeleteMapping("/api/media/uploads/{id}")
  Mono<ResponseEntity<Void>> delete(@AuthenticationPrincipal Jwt token, @PathVariable String id) {
    return tus.terminate(id, token.getSubject()).thenReturn(ResponseEntity.noContent().build());
  }

  private static String expires(UploadSession session) {
    return HTTP_DATE.format(session.expiresAt().atOffset(ZoneOffset.UTC));
  }

  private static long number(String value, String header) {
    if (value == null
        || value.isEmpty()
        || value.length() > 19
        || !value.chars().allMatch(Character::isDigit)) {
      throw ApiException.badRequest(
          "validation_failed", header + " must be a non-negative integer.");
    }
    return Long.parseLong(value);
  }

  /** The {@code filename} (or {@code name}) pair of {@code Upload-Metadata}, decoded. */
  static String filename(String metadata) {
    if (metadata == null || metadata.isBlank()) {
      return null;
    }
    for (String pair : metadata.split(",")) {
      String[] parts = pair.strip().split(" ", 2);
      if ((parts[0].equals("filename") || parts[0].equals("name")) && parts.length == 2) {
        try {
          return new String(Base64.getDecoder().decode(parts[1].strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest("validation_failed", "Upload-Metadata is not base64.");
        }
      }
    }
    return null;
  }
}
