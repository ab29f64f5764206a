package com.parley.im.presence.status;

import com.parley.im.defaults.ApiException;
import com.parley.im.presence.Ids;
import com.parley.im.protocol.ErrorCodes;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /api/presence?userIds=a,b,c}. */
@RestController
@RequestMapping("/api/presence")
class PresenceController {

  private final PresenceService presence;

  PresenceController(PresenceService presence) {
    this.presence = presence;
  }

  @GetMapping
  Mono<List<PresenceView>> presence(
      @AuthenticationPrincipal Jwt token,
      @RequestParam(name = "userIds", required = false) String userIds) {
    return presence.presence(
        Ids.parse(token.getSubject())
            .orElseThrow(
                () ->
                    ApiException.unauthorized(
                        ErrorCodes.UNAUTHORIZED, "The access token does not name a user.")),
        userIds);
  }
}
