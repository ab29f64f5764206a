package com.parley.im.message.position;

import com.parley.im.defaults.ApiException;
import com.parley.im.message.position.Positions.ReadPosition;
import com.parley.im.protocol.ErrorCodes;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/conversations/{id}/read} {@code {seq}}: moves the caller's read position (never
 * backwards, at most to the last seq); 200 {@code {conversationId, readSeq}}, 404 {@code
 * not_member}, 400 {@code validation_failed}.
 */
@RestController
class ReadController {

  private final Positions positions;

  ReadController(Positions positions) {
    this.positions = positions;
  }

  record ReadRequest(Long seq) {}

  @PostMapping("/api/conversations/{id}/read")
  Mono<ReadPosition> read(
      @AuthenticationPrincipal Jwt token,
      @PathVariable("id") String conversationId,
      @RequestBody ReadRequest request) {
    if (request == null || request.seq() == null || request.seq() < 0) {
      return Mono.error(
          ApiException.badRequest(
              ErrorCodes.VALIDATION_FAILED, "seq is required and must not be negative"));
    }
    return positions.read(conversationId, token.getSubject(), null, request.seq());
  }
}
