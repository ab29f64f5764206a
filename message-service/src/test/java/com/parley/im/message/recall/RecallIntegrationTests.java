package com.parley.im.message.recall;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/** Recall: the sender only, within the window, idempotent, and the body gone everywhere. */
class RecallIntegrationTests extends MessagingIntegrationTestBase {

  @SuppressWarnings("unchecked")
  private Map<String, Object> send(User as, String conversation, String id, String text) {
    return http.post()
        .uri("/api/conversations/{id}/messages", conversation)
        .headers(h -> h.setBearerAuth(as.token()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", id, "kind", "text", "body", Map.of("text", text)))
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @SuppressWarnings("unchecked")
  private EntityExchangeResult<Map> recall(User as, Object messageId) {
    return http.post()
        .uri("/api/messages/{id}/recall", messageId)
        .headers(h -> h.setBearerAuth(as.token()))
        .exchange()
        .expectBody(Map.class)
        .returnResult();
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> history(User as, String conversation) {
    return (List<Map<String, Object>>)
        http.get()
            .uri("/api/conversations/{id}/messages?afterSeq=0", conversation)
            .headers(h -> h.setBearerAuth(as.token()))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody()
            .get("messages");
  }

  @Test
  void theSenderRecallsOnceAndTheBodyIsGoneEverywhere() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    Map<String, Object> original = send(a, direct, "r-1", "oops");
    send(b, direct, "r-2", "what?");

    EntityExchangeResult<Map> other = recall(b, original.get("messageId"));
    assertThat(other.getStatus().value()).isEqualTo(403);
    assertThat(other.getResponseBody()).containsEntry("code", "forbidden");

    EntityExchangeResult<Map> first = recall(a, original.get("messageId"));
    assertThat(first.getStatus().value()).isEqualTo(200);
    Map<String, Object> announcement = first.getResponseBody();
    assertThat(announcement)
        .containsEntry("kind", "recall")
        .containsEntry("seq", 3)
        .containsEntry("senderId", a.id())
        .containsEntry("body", Map.of("messageId", original.get("messageId"), "seq", 1));

    // Idempotent: the same recall message, no new seq.
    EntityExchangeResult<Map> again = recall(a, original.get("messageId"));
    assertThat(again.getStatus().value()).isEqualTo(200);
    assertThat(again.getResponseBody().get("messageId")).isEqualTo(announcement.get("messageId"));
    assertThat(count("select last_seq from conversation where id = '" + direct + "'")).isEqualTo(3);

    List<Map<String, Object>> seen = history(b, direct);
    assertThat(seen).hasSize(3);
    assertThat(seen.get(0)).containsEntry("body", null).containsKey("recalledAt");
    assertThat(seen.get(0).get("recalledAt")).isNotNull();
    assertThat(seen.get(1)).containsEntry("body", Map.of("text", "what?"));
    assertThat(
            count(
                "select count(*) from message where id = '"
                    + original.get("messageId")
                    + "' and body is null and nonce is null and recalled_at is not null"))
        .isEqualTo(1);

    // Server-written messages cannot be recalled, not even by their sender.
    assertThat(recall(a, announcement.get("messageId")).getStatus().value()).isEqualTo(403);
    assertThat(recall(a, "no-such-message").getResponseBody()).containsEntry("code", "not_found");
  }

  @Test
  void recallAfterTheWindowIsRefused() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    Map<String, Object> original = send(a, direct, "late-1", "old news");
    db.sql("update message set created_at = now() - interval '3 minutes' where id = :id")
        .bind("id", original.get("messageId"))
        .then()
        .block(WAIT);

    EntityExchangeResult<Map> refused = recall(a, original.get("messageId"));
    assertThat(refused.getStatus().value()).isEqualTo(409);
    assertThat(refused.getResponseBody()).containsEntry("code", "recall_expired");
    assertThat(history(a, direct).get(0)).containsEntry("body", Map.of("text", "old news"));
  }
}
