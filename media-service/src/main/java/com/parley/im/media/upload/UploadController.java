package com.parley.im.media.upload;

import com.parley.im.media.access.MediaView;
import com.parley.im.media.access.UrlSigner;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code POST /api/media}: one file in the multipart field {@code file}, streamed. */
@RestController
class UploadController {

  private final UploadService uploads;
  private final UrlSigner signer;

  UploadController(UploadService uploads, UrlSigner signer) {
    this.uploads = uploads;
    this.signer = signer;
  }

  @PostMapping(path = "/api/media", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  Mono<MediaView> upload(@AuthenticationPrincipal Jwt token, @RequestBody Flux<PartEvent> parts) {
    return uploads.upload(parts, token.getSubject()).map(media -> MediaView.of(media, signer));
  }
}
