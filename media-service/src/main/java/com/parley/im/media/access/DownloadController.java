package com.parley.im.media.access;

import com.parley.im.defaults.ApiException;
import com.parley.im.media.catalog.Media;
import com.parley.im.media.catalog.MediaStore;
import com.parley.im.media.storage.BlobStore;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET} and {@code HEAD} of {@code /api/media/{id}} and {@code /api/media/{id}/thumbnail}:
 * streams the bytes to the uploader, to members of a conversation where a message with the item was
 * sent, and to anyone with a valid signed URL ({@link UrlSigner}); everyone else gets 404 {@code
 * not_found}, as for an unknown id. Answers carry {@code ETag} (the SHA-256), {@code Content-Type}
 * (as detected at upload), {@code Content-Length}, {@code Accept-Ranges}, {@code Cache-Control:
 * private}, {@code X-Content-Type-Options: nosniff} and a sandboxing CSP; a single byte range gives
 * 206, an unsatisfiable one 416 (a malformed {@code Range} is ignored, RFC 9110). Anything but
 * plain raster images, audio and video is sent as an attachment, so a browser never runs it.
 */
@RestController
class DownloadController {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** Shown inline; anything else could run in a browser (HTML, SVG, XML, JS, PDF...). */
  private static final Set<String> INLINE =
      Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif");

  private final MediaStore store;
  private final BlobStore blobs;
  private final UrlSigner signer;

  DownloadController(MediaStore store, BlobStore blobs, UrlSigner signer) {
    this.store = store;
    this.blobs = blobs;
    this.signer = signer;
  }

  @RequestMapping(
      path = "/api/media/{id}",
      method = {
        org.springframework.web.bind.annotation.RequestMethod.GET,
        org.springframework.web.bind.annotation.RequestMethod.HEAD
      })
  Mono<Void> download(
      @PathVariable String id,
      @RequestParam(required = false) String exp,
      @RequestParam(required = false) String sig,
      @AuthenticationPrincipal Jwt token,
      ServerWebExchange exchange) {
    return readable(id, exp, sig, token).flatMap(media -> send(media, false, exchange));
  }

  @RequestMapping(
      path = "/api/media/{id}/thumbnail",
      method = {
        org.springframework.web.bind.annotation.RequestMethod.GET,
        org.springframework.web.bind.annotation.RequestMethod.HEAD
      })
  Mono<Void> thumbnail(
      @PathVariable String id,
      @RequestParam(required = false) String exp,
      @RequestParam(required = false) String sig,
      @AuthenticationPrincipal Jwt token,
      ServerWebExchange exchange) {
    return readable(id, exp, sig, token)
        .filter(media -> media.thumbnailKey() != null)
        .switchIfEmpty(Mono.error(notFound()))
        .flatMap(media -> send(media, true, exchange));
  }

  /** The item's description with fresh signed URLs (after a tus upload, for instance). */
  @GetMapping("/api/media/{id}/info")
  Mono<MediaView> info(@PathVariable String id, @AuthenticationPrincipal Jwt token) {
    return readable(id, null, null, token).map(media -> MediaView.of(media, signer));
  }

  private Mono<Media> readable(String id, String exp, String sig, Jwt token) {
    if (!ID.matcher(id).matches()) {
      return Mono.error(notFound());
    }
    Mono<Media> found;
    if (sig != null) {
      found = signer.verify(id, exp, sig) ? store.findById(id) : Mono.empty();
    } else if (token != null) {
      found = store.findReadable(id, token.getSubject());
    } else {
      found = Mono.empty();
    }
    return found.switchIfEmpty(Mono.error(notFound()));
  }

  private static ApiException notFound() {
    return ApiException.notFound("not_found", "No such media.");
  }

  private Mono<Void> send(Media media, boolean thumbnail, ServerWebExchange exchange) {
    ServerHttpRequest request = exchange.getRequest();
    ServerHttpResponse response = exchange.getResponse();
    String type = thumbnail ? media.thumbnailType() : media.contentType();
    long size = thumbnail ? media.thumbnailSize() : media.size();
    String key = thumbnail ? media.thumbnailKey() : media.storageKey();
    String etag = media.etag(thumbnail);
    HttpHeaders headers = response.getHeaders();
    headers.setETag(etag);
    headers.set(HttpHeaders.CONTENT_TYPE, type);
    headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
    headers.setCacheControl("private, max-age=86400");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Content-Security-Policy", "default-src 'none'; sandbox");
    if (!thumbnail
        && !INLINE.contains(type)
        && !type.startsWith("audio/")
        && !type.startsWith("video/")) {
      ContentDisposition.Builder disposition = ContentDisposition.attachment();
      if (media.name() != null) {
        disposition.filename(media.name(), java.nio.charset.StandardCharsets.UTF_8);
      }
      headers.setContentDisposition(disposition.build());
    }
    if (request.getHeaders().getIfNoneMatch().contains(etag)) {
      response.setStatusCode(HttpStatus.NOT_MODIFIED);
      return response.setComplete();
    }
    long start = 0;
    long length = size;
    List<HttpRange> ranges = ranges(request);
    String ifRange = request.getHeaders().getFirst(HttpHeaders.IF_RANGE);
    if (ranges.size() == 1 && (ifRange == null || ifRange.equals(etag))) {
      HttpRange range = ranges.get(0);
      long first;
      long last;
      try {
        first = range.getRangeStart(size);
        last = range.getRangeEnd(size);
      } catch (IllegalArgumentException e) {
        first = -1;
        last = -1;
      }
      if (first < 0 || first >= size || last < first) {
        headers.set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
        headers.remove(HttpHeaders.CONTENT_TYPE);
        headers.remove(HttpHeaders.CONTENT_DISPOSITION);
        response.setStatusCode(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
        return response.setComplete();
      }
      start = first;
      length = last - first + 1;
      response.setStatusCode(HttpStatus.PARTIAL_CONTENT);
      headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + first + "-" + last + "/" + size);
    } else {
      response.setStatusCode(HttpStatus.OK);
    }
    headers.setContentLength(length);
    if (request.getMethod() == HttpMethod.HEAD) {
      return response.setComplete();
    }
    Flux<DataBuffer> body = blobs.read(key, start, length);
    return response.writeWith(body);
  }

  /** The ranges asked for; none when there is no or a malformed {@code Range} header. */
  private static List<HttpRange> ranges(ServerHttpRequest request) {
    String header = request.getHeaders().getFirst(HttpHeaders.RANGE);
    if (header == null) {
      return List.of();
    }
    try {
      return HttpRange.parseRanges(header);
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }
}
