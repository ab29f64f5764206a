package com.parley.im.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.parley.im.systemtests.ParleyClient.Response;
import com.parley.im.systemtests.ParleyClient.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * A message-service killed between the commit of a message and its push still delivers it after the
 * restart (ADR 0006 §3, ADR 0030: the send batch pushes after its commit, and the outbox relay
 * pushes every committed row that was not pushed, also after a restart).
 *
 * <p>The test replaces the running message-service by one started with its outbox relay and its
 * push on commit off ({@code im.outbox.relay-enabled=false}, {@code
 * im.message.push-on-commit=false}: messages and their outbox rows commit, nothing is pushed or
 * published, as if the process died right after each commit), stores a message (201: durably
 * stored), kills that process with SIGKILL, and starts message-service again through {@code ./im
 * up}. The recipient's socket, open all along, must then get the {@code message} push, and a resend
 * of the same {@code clientMsgId} must still answer the first message. The normal message-service
 * runs again at the end whatever happens, for the other system tests.
 */
@ExtendWith(RunningSystem.class)
class MessageCrashSystemTests {

  private static final Duration SERVICE_START = Duration.ofSeconds(180);

  /** How long no push may arrive while the relay is off. */
  private static final Duration SILENCE = Duration.ofSeconds(3);

  private final ParleyClient client = new ParleyClient();
  private ServiceProcess relayless;

  /** Whatever happened: no relay-less message-service left, the normal one up. */
  @AfterEach
  void restoreMessageService() {
    if (relayless != null) {
      relayless.close();
    }
    ServiceProcess.ensureImServiceRunning("message", SERVICE_START.plusSeconds(60));
  }

  /** The key ring ./im gives message-service: the restarted service must read what was stored. */
  private static String messageKeysFile() {
    String home = System.getenv("IM_HOME");
    Path base =
        home == null || home.isBlank()
            ? Path.of(System.getProperty("user.home"), ".parley")
            : Path.of(home);
    return base.resolve("dev-keys/message-keys").toString();
  }

  /**
   * Stores a text message over REST, repeating the same {@code clientMsgId} while the gateway's
   * circuit to message-service is still open from the restart (503): the resend is idempotent.
   */
  private Response sendText(Session from, String conversationId, String clientMsgId) {
    return client.postUntil(
        "message-service stores " + clientMsgId,
        "/api/conversations/" + conversationId + "/messages",
        Map.of(
            "clientMsgId",
            clientMsgId,
            "kind",
            "text",
            "body",
            Map.of("text", "stored just before the crash")),
        from.accessToken(),
        answer -> answer.status() == 201 || answer.status() == 200);
  }

  @Test
  void aMessageCommittedBeforeACrashIsPushedAfterTheRestart() throws Exception {
    Session alice = client.newUser("mcA");
    Session bob = client.newUser("mcB");
    String conversationId = client.directConversationOfNewFriends(alice, bob);
    int messagePort = ServiceProcess.port("message");

    try (WsConnection bobSocket = ParleyClient.openSocket(bob);
        Heartbeat heartbeat = new Heartbeat()) { // closed first, before bob's socket
      heartbeat.keep(bobSocket); // the restarts may outlast 2.5 heartbeat intervals

      assertThat(ServiceProcess.stopImService("message", Duration.ofSeconds(30)))
          .as("./im's message-service was running (pid file under .im/pids)")
          .isTrue();
      relayless =
          ServiceProcess.start(
              "message",
              "relayless-message",
              messagePort,
              Map.of("IM_MESSAGE_KEYS_FILE", messageKeysFile()),
              Map.of("im.outbox.relay-enabled", "false", "im.message.push-on-commit", "false"));
      relayless.awaitReady(SERVICE_START);

      String clientMsgId = ParleyClient.clientMsgId("crash");
      JsonNode stored = sendText(alice, conversationId, clientMsgId).expectStatus(201).json();
      String messageId = stored.path("messageId").asString();
      long seq = stored.path("seq").asLong();
      assertThat(messageId).as("stored message %s", stored).isNotBlank();

      // Committed: the history has it.
      assertThat(client.history(bob, conversationId, "afterSeq=" + (seq - 1)))
          .as("bob's history after the send")
          .anySatisfy(m -> assertThat(m.path("messageId").asString()).isEqualTo(messageId));

      // ...but not pushed: the relay is off.
      try {
        await("no push while the relay is off")
            .during(SILENCE)
            .atMost(SILENCE.plusSeconds(5))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> bobSocket.messages(conversationId).isEmpty());
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            "message "
                + messageId
                + " was pushed by a message-service started with"
                + " -Dim.outbox.relay-enabled=false; bob's frames: "
                + bobSocket.frames(),
            e);
      }

      // The crash: kill -9, the push still only an outbox row.
      relayless.killHard();
      ServiceProcess.restartImService("message", SERVICE_START.plusSeconds(60));

      JsonNode push =
          bobSocket.awaitFrame(
              "bob's `message` push of " + messageId + " after the restart",
              f ->
                  "message".equals(f.path("type").asString())
                      && messageId.equals(f.path("messageId").asString()),
              Duration.ofSeconds(60));
      assertThat(push.path("seq").asLong()).isEqualTo(seq);
      assertThat(push.path("body").path("text").asString())
          .as("the restarted service decrypts the body stored before the crash")
          .isEqualTo("stored just before the crash");

      // The resend after the crash gets the first message (same id and seq).
      JsonNode again = sendText(alice, conversationId, clientMsgId).expectStatus(200).json();
      assertThat(again.path("messageId").asString()).isEqualTo(messageId);
      assertThat(again.path("seq").asLong()).isEqualTo(seq);
    }
  }
}
