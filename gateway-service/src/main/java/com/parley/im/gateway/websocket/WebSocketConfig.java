package com.parley.im.gateway.websocket;

import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.problem.ProblemWriter;
import com.parley.im.gateway.security.RevokedSessions;
import io.micrometer.observation.ObservationPredicate;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;

/**
 * Terminates the client WebSocket in the gateway. Its handler mapping is ordered before the
 * gateway's route mapping (order 1), so no route ever proxies {@code /ws}; gateway route filters do
 * not apply to it, Spring Security does.
 */
@Configuration(proxyBeanMethods = false)
class WebSocketConfig {

  @Bean
  HandlerMapping webSocketMapping(
      GatewayProperties properties,
      ConnectionHandler connections,
      TicketRedeemer tickets,
      RevokedSessions revoked,
      ProblemWriter problems) {
    HandshakeWebSocketService service =
        new HandshakeWebSocketService(
            new SocketUpgradeStrategy((int) properties.websocket().maxFramePayload().toBytes()));
    SocketEndpoint endpoint =
        new SocketEndpoint(service, connections, tickets, revoked, problems, properties);
    SimpleUrlHandlerMapping mapping =
        new SimpleUrlHandlerMapping(Map.of(properties.websocket().path(), endpoint));
    mapping.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
    return mapping;
  }

  /**
   * No HTTP server observation for the socket's upgrade request: it would stay open, with its
   * context, key-values, timer sample and span, for the whole life of the socket (about 2 KiB of
   * each idle socket's heap). Sockets are measured by their own metrics and the frames' handling.
   */
  @Bean
  ObservationPredicate noObservationOfSocketUpgrades(GatewayProperties properties) {
    String path = properties.websocket().path();
    return (name, context) ->
        !(context instanceof ServerRequestObservationContext server
            && server.getCarrier() != null
            && path.equals(server.getCarrier().getPath().pathWithinApplication().value()));
  }
}
