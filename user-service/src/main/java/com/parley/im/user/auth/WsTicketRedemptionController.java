package com.parley.im.user.auth;

import com.parley.im.user.auth.AuthRecords.RedeemRequest;
import com.parley.im.user.auth.AuthRecords.RedeemedTicket;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Internal (gateway only, never routed from outside): redeems a WebSocket ticket once. */
@RestController
class WsTicketRedemptionController {

  private final WsTickets tickets;

  WsTicketRedemptionController(WsTickets tickets) {
    this.tickets = tickets;
  }

  @PostMapping("/internal/ws-tickets/redeem")
  Mono<RedeemedTicket> redeem(@Valid @RequestBody RedeemRequest request) {
    return tickets.redeem(request.ticket());
  }
}
