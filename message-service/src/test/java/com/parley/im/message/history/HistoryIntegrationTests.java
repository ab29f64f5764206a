package com.parley.im.message.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Paging a conversation both ways, members only, never before the member's joining. */
class HistoryIntegrationTests extends MessagingIntegrationTestBase {

  private void send(User as, String conversation, int n) {
    http.post()
        .uri("/api/conversations/{id}/messages", conversation)
        .headers(h -> h.setBearerAuth(as.token()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("clientMsgId", "h-" + n, "kind", "text", "body", Map.of("text", "m" + n)))
        .exchange()
        .expectStatus()
        .isCreated();
  }

  @SuppressWarnings("unchecked")
  private List<Long> seqs(User as, String uri, Object... vars) {
    Map<String, Object> page =
        http.get()
            .uri(uri, vars)
            .headers(h -> h.setBearerAuth(as.token()))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    return ((List<Map<String, Object>>) page.get("messages"))
        .stream().map(m -> ((Number) m.get("seq")).longValue()).toList();
  }

  private int status(User as, String uri, Object... vars) {
    return http.get()
        .uri(uri, vars)
        .headers(h -> h.setBearerAuth(as.token()))
        .exchange()
        .expectBody(Map.class)
        .returnResult()
        .getStatus()
        .value();
  }

  @Test
  void pagesForwardAndBackwardAscendingBySeq() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    for (int i = 1; i <= 12; i++) {
      send(i % 2 == 0 ? a : b, direct, i);
    }
    String uri = "/api/conversations/{id}/messages";
    assertThat(seqs(b, uri + "?afterSeq=0&limit=5", direct)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(seqs(b, uri + "?afterSeq=10", direct)).containsExactly(11L, 12L);
    assertThat(seqs(b, uri + "?afterSeq=12", direct)).isEmpty();
    assertThat(seqs(b, uri + "?beforeSeq=6&limit=3", direct)).containsExactly(3L, 4L, 5L);
    assertThat(seqs(b, uri + "?beforeSeq=3&limit=10", direct)).containsExactly(1L, 2L);
    assertThat(seqs(a, uri + "?limit=4", direct)).containsExactly(9L, 10L, 11L, 12L);
    assertThat(seqs(a, uri, direct)).hasSize(12);

    @SuppressWarnings("unchecked")
    Map<String, Object> first =
        ((List<Map<String, Object>>)
                http.get()
                    .uri(uri + "?afterSeq=0&limit=1", direct)
                    .headers(h -> h.setBearerAuth(a.token()))
                    .exchange()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody()
                    .get("messages"))
            .get(0);
    assertThat(first)
        .containsEntry("conversationId", direct)
        .containsEntry("senderId", b.id())
        .containsEntry("senderDeviceId", "phone")
        .containsEntry("clientMsgId", "h-1")
        .containsEntry("kind", "text")
        .containsEntry("body", Map.of("text", "m1"))
        .containsKeys("messageId", "createdAt");

    assertThat(status(a, uri + "?afterSeq=1&beforeSeq=5", direct)).isEqualTo(400);
    assertThat(status(a, uri + "?limit=201", direct)).isEqualTo(400);
    assertThat(status(a, uri + "?limit=0", direct)).isEqualTo(400);
    assertThat(status(a, uri + "?afterSeq=-1", direct)).isEqualTo(400);
    assertThat(status(a, uri + "?afterSeq=x", direct)).isEqualTo(400);
  }

  @Test
  void nonMembersGet404AndLateJoinersReadFromTheirJoining() {
    User a = user();
    User b = user();
    User late = user();
    String group = group(a, b);
    for (int i = 1; i <= 5; i++) {
      send(a, group, 100 + i);
    }
    String uri = "/api/conversations/{id}/messages";
    assertThat(status(late, uri, group)).isEqualTo(404);
    assertThat(status(late, uri, "unknown")).isEqualTo(404);

    db.sql(
            "insert into member (conversation_id, user_id, role, from_seq)"
                + " values (:c, :u, 'member', 4)")
        .bind("c", group)
        .bind("u", late.id())
        .then()
        .block(WAIT);
    assertThat(seqs(late, uri + "?afterSeq=0", group)).containsExactly(4L, 5L);
    assertThat(seqs(late, uri + "?beforeSeq=5", group)).containsExactly(4L);
    assertThat(seqs(late, uri, group)).containsExactly(4L, 5L);
  }
}
