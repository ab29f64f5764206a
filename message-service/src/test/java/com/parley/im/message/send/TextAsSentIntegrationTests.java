package com.parley.im.message.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.defaults.text.WellFormedText;
import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import com.parley.im.testsupport.ArbitraryText;
import com.parley.im.testsupport.TestServiceTokens;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Text is stored as sent or refused (issue 8, "Why 3"; ADR 0009), over arbitrary Unicode from
 * {@link ArbitraryText}: a send over REST whose id or text has a lone surrogate is refused with
 * {@code validation_failed} and stores nothing; any other is stored, answered and read back
 * exactly, and two different ids are two messages.
 */
class TextAsSentIntegrationTests extends MessagingIntegrationTestBase {

  @Test
  @SuppressWarnings("unchecked")
  void arbitraryIdsAndTextsAreStoredExactlyOrRefused() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    Set<String> messageIds = new HashSet<>();
    int[] stored = {0};
    int[] refused = {0};
    int[] tries = {0};
    ArbitraryText.forAll(
        150,
        random -> {
          // The try number makes every id new: two tries that drew the same chars would
          // otherwise be one send repeated (answered 200, the first message), not two messages.
          // Every other try is drawn well formed: an arbitrary id and text are both acceptable in
          // about one try in fifty, so 150 arbitrary tries alone often store nothing at all.
          boolean wellFormed = tries[0] % 2 == 0;
          String drawnId = ArbitraryText.string(random, 10);
          String drawnText = ArbitraryText.string(random, 30);
          if (wellFormed) {
            drawnId =
                ArbitraryText.withoutLoneSurrogates(drawnId).replaceAll("[\\x00-\\x1F\\x7F]", "");
            drawnText = ArbitraryText.withoutLoneSurrogates(drawnText);
          }
          String id = "p" + tries[0]++ + ":" + drawnId;
          String text = "t" + drawnText;
          String body =
              "{\"clientMsgId\":"
                  + ArbitraryText.jsonLiteral(id, random.nextBoolean())
                  + ",\"kind\":\"text\",\"body\":{\"text\":"
                  + ArbitraryText.jsonLiteral(text, random.nextBoolean())
                  + "}}";
          var response =
              http.post()
                  .uri("/api/conversations/{id}/messages", direct)
                  .headers(h -> h.setBearerAuth(a.token()))
                  .contentType(MediaType.APPLICATION_JSON)
                  .bodyValue(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                  .exchange()
                  .expectBody(Map.class)
                  .returnResult();
          Map<String, Object> answer = response.getResponseBody();
          boolean controlInId = id.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7F);
          if (WellFormedText.check(id) && WellFormedText.check(text) && !controlInId) {
            assertThat(response.getStatus().value()).as("%s / %s", id, text).isEqualTo(201);
            assertThat(answer.get("clientMsgId")).isEqualTo(id);
            assertThat(((Map<String, Object>) answer.get("body")).get("text")).isEqualTo(text);
            assertThat(messageIds.add((String) answer.get("messageId")))
                .as("a new message for a new id")
                .isTrue();
            stored[0]++;
          } else {
            assertThat(response.getStatus().value()).isEqualTo(400);
            assertThat(answer.get("code")).isEqualTo("validation_failed");
            refused[0]++;
          }
        });
    assertThat(stored[0]).isGreaterThanOrEqualTo(75);
    assertThat(refused[0]).isPositive();

    List<Map<String, Object>> history =
        (List<Map<String, Object>>)
            http.get()
                .uri("/api/conversations/{id}/messages?afterSeq=0&limit=200", direct)
                .headers(h -> h.setBearerAuth(b.token()))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("messages");
    assertThat(history).hasSize(stored[0]);
  }

  @Test
  void theInternalSendEndpointRefusesALoneSurrogateToo() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    String sends =
        "{\"sends\":[{\"userId\":\""
            + a.id()
            + "\",\"deviceId\":\"phone\",\"clientMsgId\":\"s\\ud800\",\"conversationId\":\""
            + direct
            + "\",\"kind\":\"text\",\"body\":{\"text\":\"A\\ud83dB\"}}]}";
    http.post()
        .uri("/internal/messages/send")
        .header("Authorization", TestServiceTokens.authorization())
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(sends)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("validation_failed");
    assertThat(count("select count(*) from message where conversation_id = '" + direct + "'"))
        .isZero();
  }
}
