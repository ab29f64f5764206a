package com.parley.im.user.auth;

import com.parley.im.user.auth.AuthRecords.LoginRequest;
import com.parley.im.user.auth.AuthRecords.RefreshRequest;
import com.parley.im.user.auth.AuthRecords.TokenResponse;
import com.parley.im.user.auth.AuthRecords.WsTicketResponse;
import com.parley.im.user.security.Caller;
import jakarta.validation.Valid;
import java.net.InetSocketAddress;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /api/auth}: login, refresh, logout, WebSocket tickets. */
@RestController
@RequestMapping("/api/auth")
class AuthController {

  private final AuthService auth;
  private final WsTickets tickets;

  AuthController(AuthService auth, WsTickets tickets) {
    this.auth = auth;
    this.tickets = tickets;
  }

  @PostMapping("/login")
  Mono<TokenResponse> login(@Valid @RequestBody LoginRequest request, ServerHttpRequest http) {
    return auth.login(request, clientAddress(http));
  }

  @PostMapping("/refresh")
  Mono<TokenResponse> refresh(@Valid @RequestBody RefreshRequest request) {
    return auth.refresh(request.refreshToken());
  }

  @PostMapping("/logout")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> logout(@AuthenticationPrincipal Jwt token) {
    return auth.logout(Caller.of(token));
  }

  @PostMapping("/ws-ticket")
  Mono<WsTicketResponse> wsTicket(@AuthenticationPrincipal Jwt token) {
    return tickets.issue(Caller.of(token));
  }

  /** The first X-Forwarded-For entry (set by the gateway), else the peer address. */
  static String clientAddress(ServerHttpRequest request) {
    String forwarded = request.getHeaders().getFirst("X-Forwarded-For");
    if (forwarded != null) {
      String first = forwarded.split(",", 2)[0].strip();
      if (!first.isEmpty()) {
        return first.length() > 64 ? first.substring(0, 64) : first;
      }
    }
    InetSocketAddress remote = request.getRemoteAddress();
    if (remote == null) {
      return "unknown";
    }
    return remote.getAddress() != null
        ? remote.getAddress().getHostAddress()
        : remote.getHostString();
  }
}
