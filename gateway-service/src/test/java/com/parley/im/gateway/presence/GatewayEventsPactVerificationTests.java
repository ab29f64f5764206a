package com.parley.im.gateway.presence;

import static com.parley.im.testsupport.pact.PactMessages.fromAmqp;

import au.com.dius.pact.provider.MessageAndMetadata;
import au.com.dius.pact.provider.PactVerifyProvider;
import au.com.dius.pact.provider.junit5.MessageTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import com.parley.im.events.Destinations;
import com.parley.im.gateway.GatewayIntegrationTest;
import com.parley.im.gateway.GatewayProperties;
import com.parley.im.gateway.TestSocket;
import com.parley.im.gateway.TestTokens;
import com.parley.im.testsupport.EventTap;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's side of the checked-in message contracts (ADR 0011): each report a consumer expects
 * is made by the real gateway in the shared integration context (a socket that opens, a frame it
 * relays, the periodic lease) and read off the broker as the gateway's publisher sent it.
 */
@Provider("gateway-service-events")
@PactFolder("../contracts/pacts")
class GatewayEventsPactVerificationTests extends GatewayIntegrationTest {

  @Autowired ConnectionFactory rabbit;
  @Autowired JsonMapper json;
  @Autowired GatewayProperties properties;

  @TestTemplate
  @ExtendWith(PactVerificationInvocationContextProvider.class)
  void theMessageIsWhatTheConsumerExpects(PactVerificationContext context) {
    context.verifyInteraction();
  }

  @BeforeEach
  void target(PactVerificationContext context) {
    context.setTarget(new MessageTestTarget(List.of(getClass().getPackageName())));
  }

  @PactVerifyProvider("a SocketChanged event of an opened socket")
  MessageAndMetadata socketOpened() throws Exception {
    EventTap tap = EventTap.open(rabbit, json, Destinations.SOCKET_CHANGED);
    TestTokens.Identity id = TestTokens.newIdentity();
    try (TestSocket socket = connect(id)) {
      socket.next("welcome");
      return fromAmqp(tap.nextMessage(e -> id.deviceId().equals(e.get("deviceId")), "opened"));
    }
  }

  @PactVerifyProvider("a GatewayLeaseRenewed event")
  MessageAndMetadata leaseRenewed() {
    EventTap tap = EventTap.open(rabbit, json, Destinations.GATEWAY_LEASE_RENEWED);
    String instance = properties.instanceId();
    return fromAmqp(tap.nextMessage(e -> instance.equals(e.get("instanceId")), instance));
  }

  @PactVerifyProvider("a ClientFrameReceived event of a recv frame")
  MessageAndMetadata recvFrame() throws Exception {
    EventTap tap = EventTap.open(rabbit, json, Destinations.CLIENT_FRAMES);
    TestTokens.Identity id = TestTokens.newIdentity();
    try (TestSocket socket = connect(id)) {
      socket.next("welcome");
      socket.send("{\"type\":\"recv\",\"conversationId\":\"d_1\",\"seq\":3}");
      Message frame = tap.nextMessage(e -> id.deviceId().equals(e.get("deviceId")), "recv");
      return fromAmqp(frame);
    }
  }
}
