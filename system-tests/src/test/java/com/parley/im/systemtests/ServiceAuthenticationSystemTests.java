package com.parley.im.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.systemtests.ParleyClient.Session;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * A caller that skips the gateway (issue 8, "Why 1"; ADR 0007): the services' internal endpoints
 * and their management endpoints beyond health and metrics refuse it with 401 even from 127.0.0.1,
 * and the six services do not listen on the machine's other addresses at all under {@code ./im}.
 */
@ExtendWith(RunningSystem.class)
class ServiceAuthenticationSystemTests {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private final ParleyClient client = new ParleyClient();

  @Test
  void theForgedSendFromLoopbackIsRefusedAndNothingIsStored() throws Exception {
    Session a = client.newUser("forgerA");
    Session b = client.newUser("forgerB");
    String conversation = client.directConversationOfNewFriends(a, b);
    String body =
        ParleyClient.JSON.writeValueAsString(
            Map.of(
                "sends",
                List.of(
                    Map.of(
                        "userId",
                        a.account().id(),
                        "deviceId",
                        "x",
                        "clientMsgId",
                        "x1",
                        "conversationId",
                        conversation,
                        "kind",
                        "text",
                        "body",
                        Map.of("text", "forged")))));

    HttpResponse<String> forged = post(service("message") + "/internal/messages/send", body);

    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(ParleyClient.JSON.readTree(forged.body()).path("code").asString())
        .isEqualTo("service_unauthorized");
    assertThat(client.history(b, conversation, "afterSeq=0"))
        .extracting(m -> m.path("clientMsgId").asString())
        .doesNotContain("x1");
  }

  @Test
  void aTicketRedeemedFromLoopbackWithoutTheCredentialIsRefusedAndStillWorksForTheGateway()
      throws Exception {
    Session session = client.newUser("ticketThief");
    String ticket = client.wsTicket(session);

    HttpResponse<String> stolen =
        post(
            service("user") + "/internal/ws-tickets/redeem",
            ParleyClient.JSON.writeValueAsString(Map.of("ticket", ticket)));

    assertThat(stolen.statusCode()).isEqualTo(401);
    assertThat(ParleyClient.JSON.readTree(stolen.body()).path("code").asString())
        .isEqualTo("service_unauthorized");
    try (WsConnection socket = WsConnection.withTicket(ticket)) {
      JsonNode welcome = socket.awaitType("welcome");
      assertThat(welcome.path("userId").asString()).isEqualTo(session.account().id());
    }
  }

  @Test
  void managementEndpointsBeyondHealthAndMetricsNeedTheCredentialOnEveryService() throws Exception {
    for (String service : RunningSystem.services()) {
      String management = "http://127.0.0.1:" + (ServiceProcess.port(service) + 1000);
      assertThat(get(management + "/actuator/health/readiness").statusCode())
          .as(service + " readiness")
          .isEqualTo(200);
      assertThat(get(management + "/actuator/prometheus").statusCode())
          .as(service + " prometheus")
          .isEqualTo(200);
      assertThat(get(management + "/actuator/metrics").statusCode())
          .as(service + " metrics")
          .isEqualTo(401);
      assertThat(get(service(service) + "/readyz").statusCode())
          .as(service + " /readyz")
          .isEqualTo(200);
    }
    assertThat(get(client.baseUrl() + "/actuator/prometheus").statusCode())
        .as("the gateway's public port serves no actuator")
        .isEqualTo(404);
  }

  /**
   * Issue 12: every service's metrics are scrapeable on its management port without a credential
   * (the gateway's socket gauge included), every service with a REST API serves its OpenAPI
   * document there behind the service credential (ADR 0024), and through the gateway's public port
   * neither is reachable.
   */
  @Test
  void metricsAndTheOpenApiDocumentsAreOnTheManagementPortsOnly() throws Exception {
    Session signedIn = client.newUser("apiDocs");
    for (String service : RunningSystem.services()) {
      String management = "http://127.0.0.1:" + (ServiceProcess.port(service) + 1000);
      HttpResponse<String> metrics = get(management + "/actuator/prometheus");
      assertThat(metrics.statusCode()).as(service + " prometheus").isEqualTo(200);
      assertThat(metrics.body()).as(service + " prometheus").contains("jvm_memory_used_bytes");
      if (service.equals("gateway")) {
        assertThat(metrics.body()).as("the gateway's socket gauge").contains("im_gateway_sockets");
        continue;
      }
      HttpResponse<String> document = get(management + "/actuator/openapi");
      assertThat(document.statusCode())
          .as(service + " openapi without a credential")
          .isEqualTo(401);
      assertThat(ParleyClient.JSON.readTree(document.body()).path("code").asString())
          .isEqualTo("service_unauthorized");
    }
    for (String path :
        List.of(
            "/actuator/prometheus",
            "/actuator/openapi",
            "/actuator/openapi/yaml",
            "/v3/api-docs",
            "/v3/api-docs.yaml",
            "/api/v3/api-docs")) {
      for (String authorization : List.of("", "Bearer " + signedIn.accessToken())) {
        HttpResponse<String> response = get(client.baseUrl() + path, authorization);
        String what = "gateway public port " + path + (authorization.isEmpty() ? "" : " signed in");
        assertThat(response.body()).as(what).doesNotContain("\"openapi\"");
        if (!authorization.isEmpty() || path.startsWith("/actuator")) {
          assertThat(response.statusCode()).as(what).isEqualTo(404);
        } else {
          assertThat(response.statusCode()).as(what).isIn(401, 404);
        }
      }
    }
  }

  @Test
  void theServicesListenOnLoopbackOnly() throws Exception {
    Optional<InetAddress> other = nonLoopbackAddress();
    if (other.isEmpty()) {
      return; // a machine with loopback only has nothing else to reach
    }
    for (String service : RunningSystem.services()) {
      if (service.equals("gateway")) {
        assertThat(connects(other.get(), ServiceProcess.port(service))).as("gateway").isTrue();
        continue;
      }
      assertThat(connects(other.get(), ServiceProcess.port(service)))
          .as(service + " on " + other.get())
          .isFalse();
      assertThat(connects(other.get(), ServiceProcess.port(service) + 1000))
          .as(service + " management on " + other.get())
          .isFalse();
    }
  }

  private static String service(String name) {
    return "http://127.0.0.1:" + ServiceProcess.port(name);
  }

  private static HttpResponse<String> post(String url, String json) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return get(url, "");
  }

  private static HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
    if (!authorization.isEmpty()) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean connects(InetAddress address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
