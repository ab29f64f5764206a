package com.parley.im.gateway.websocket;

import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.problem.ProblemWriter;
import com.parley.im.gateway.security.RevokedSessions;
import com.parley.im.protocol.ErrorCodes;
import com.parley.im.protocol.SocketCodes;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;

/**
 * The handshake of {@code GET /ws}. Before upgrading it checks, in this order:
 *
 * <ol>
 *   <li>{@code Origin}, when present (browsers), is on the allow-list or the gateway's own origin,
 *       else 403;
 *   <li>the caller is known: an {@code Authorization: Bearer} token (already verified by Spring
 *       Security with the gateway's one JWT decoder; an invalid one was answered 401 there), or a
 *       {@code ?ticket=} that user-service redeems once, else 401. Tokens in the URL are ignored;
 *   <li>the device session was not revoked, else 401.
 * </ol>
 *
 * Failures are problem details; user-service being unreachable for a ticket is a 503.
 */
final class SocketEndpoint implements WebHandler {

  private static final Logger log = LoggerFactory.getLogger(SocketEndpoint.class);

  private final WebSocketService webSocketService;
  private final ConnectionHandler connections;
  private final TicketRedeemer tickets;
  private final RevokedSessions revoked;
  private final ProblemWriter problems;
  private final Set<String> allowedOrigins;

  SocketEndpoint(
      WebSocketService webSocketService,
      ConnectionHandler connections,
      TicketRedeemer tickets,
      RevokedSessions revoked,
      ProblemWriter problems,
      GatewayProperties properties) {
    this.webSocketService = webSocketService;
    this.connections = connections;
    this.tickets = tickets;
    this.revoked = revoked;
    this.problems = problems;
    this.allowedOrigins = Set.copyOf(properties.allowedOrigins());
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange) {
    String origin = exchange.getRequest().getHeaders().getFirst(HttpHeaders.ORIGIN);
    if (origin != null && !allowedOrigins.contains(origin) && !isSameOrigin(exchange, origin)) {
      return problems.write(
          exchange,
          HttpStatus.FORBIDDEN,
          SocketCodes.ORIGIN_NOT_ALLOWED,
          "This origin may not open the socket.");
    }
    return identify(exchange)
        .flatMap(
            identity -> {
              if (revoked.isRevoked(identity.sessionId())) {
                return problems.write(
                    exchange,
                    HttpStatus.UNAUTHORIZED,
                    ErrorCodes.UNAUTHORIZED,
                    "This device session has ended.");
              }
              return webSocketService.handleRequest(
                  exchange, session -> connections.handle(session, identity));
            })
        .onErrorResume(
            TicketRejected.class,
            e ->
                problems.write(
                    exchange,
                    HttpStatus.UNAUTHORIZED,
                    e.code,
                    e.code.equals(SocketCodes.INVALID_TICKET)
                        ? "The ticket is unknown, expired or already used."
                        : "A bearer token or a ticket is required."))
        .onErrorResume(
            e ->
                !(e instanceof TicketRejected)
                    && !(e instanceof ResponseStatusException)
                    && !exchange.getResponse().isCommitted(),
            e -> {
              log.warn("WebSocket handshake failed: {}", e.toString());
              return problems.write(
                  exchange,
                  HttpStatus.SERVICE_UNAVAILABLE,
                  ErrorCodes.SERVICE_UNAVAILABLE,
                  "The socket cannot be opened right now; try again shortly.");
            });
  }

  /**
   * A page served from the gateway's own host may connect: that is no cross-site request (and
   * Netty-based native clients send such an {@code Origin} on their own).
   */
  private static boolean isSameOrigin(ServerWebExchange exchange, String origin) {
    String host = exchange.getRequest().getHeaders().getFirst(HttpHeaders.HOST);
    return host != null
        && (origin.equalsIgnoreCase("http://" + host)
            || origin.equalsIgnoreCase("https://" + host));
  }

  private Mono<SocketIdentity> identify(ServerWebExchange exchange) {
    return exchange
        .getPrincipal()
        .filter(JwtAuthenticationToken.class::isInstance)
        .map(principal -> fromToken(((JwtAuthenticationToken) principal).getToken()))
        .switchIfEmpty(
            Mono.defer(
                () -> {
                  String ticket = exchange.getRequest().getQueryParams().getFirst("ticket");
                  if (ticket == null) {
                    return Mono.error(new TicketRejected(ErrorCodes.UNAUTHORIZED));
                  }
                  return tickets
                      .redeem(ticket)
                      .switchIfEmpty(Mono.error(new TicketRejected(SocketCodes.INVALID_TICKET)));
                }));
  }

  private static SocketIdentity fromToken(Jwt jwt) {
    return new SocketIdentity(
        jwt.getSubject(), jwt.getClaimAsString("did"), jwt.getClaimAsString("sid"));
  }

  /** No usable credentials on the handshake. */
  static final class TicketRejected extends RuntimeException {
    final String code;

    TicketRejected(String code) {
      super(code, null, false, false);
      this.code = code;
    }
  }
}
