package com.parley.im.gateway.websocket;

import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.problem.ProblemWriter;
import com.parley.im.gateway.security.RevokedSessions;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
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
}
