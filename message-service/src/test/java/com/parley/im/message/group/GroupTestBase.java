package com.parley.im.message.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import com.parley.im.message.store.R2dbcMessageStore;
import com.parley.im.message.store.StoredMessage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Helpers of the group and conversation-list tests. Adds no configuration, so these classes share
 * the one Spring context of {@link MessagingIntegrationTestBase}.
 */
public abstract class GroupTestBase extends MessagingIntegrationTestBase {

  @Autowired protected R2dbcMessageStore messageStore;

  /** A request as {@code as}, with a JSON body when {@code body} is not null. */
  protected WebTestClient.ResponseSpec call(
      HttpMethod method, User as, Object body, String uri, Object... vars) {
    var spec = http.method(method).uri(uri, vars).headers(h -> h.setBearerAuth(as.token()));
    if (body != null) {
      return spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
    return spec.exchange();
  }

  /** The JSON object of a response with this status. */
  @SuppressWarnings("unchecked")
  protected Map<String, Object> json(WebTestClient.ResponseSpec response, int status) {
    var result = response.expectBody(String.class).returnResult();
    assertThat(result.getStatus().value()).as(result.getResponseBody()).isEqualTo(status);
    return json.readValue(result.getResponseBody(), Map.class);
  }

  /** Asserts a problem detail with this status and code. */
  @SuppressWarnings("unchecked")
  protected void expectProblem(WebTestClient.ResponseSpec response, int status, String code) {
    var result = response.expectBody(String.class).returnResult();
    String body = result.getResponseBody();
    assertThat(result.getStatus().value()).as("status of %s", body).isEqualTo(status);
    assertThat(result.getResponseHeaders().getContentType())
        .as("content type of %s", body)
        .matches(type -> type != null && type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    Map<String, Object> problem = json.readValue(body, Map.class);
    assertThat(problem.get("code")).as(body).isEqualTo(code);
    assertThat(problem.get("status")).as(body).isEqualTo(status);
  }

  /** {@code POST /api/groups} by {@code owner} with these members (201 expected); the group. */
  protected Map<String, Object> createGroup(User owner, String name, User... members) {
    return json(
        call(
            HttpMethod.POST,
            owner,
            Map.of("name", name, "memberIds", Arrays.stream(members).map(User::id).toList()),
            "/api/groups"),
        201);
  }

  /** Every message of a conversation, decrypted, in seq order. */
  protected List<StoredMessage> messagesOf(String conversationId) {
    return messageStore.page(conversationId, 1, 0L, null, 200).collectList().block(WAIT);
  }

  /** The member row's {@code from_seq}. */
  protected long fromSeq(String conversationId, User user) {
    return count(
        "select from_seq from member where conversation_id = '"
            + conversationId
            + "' and user_id = '"
            + user.id()
            + "'");
  }

  @SuppressWarnings("unchecked")
  protected static List<Map<String, Object>> members(Map<String, Object> group) {
    return (List<Map<String, Object>>) group.get("members");
  }

  protected static String roleOf(Map<String, Object> group, User user) {
    return members(group).stream()
        .filter(m -> user.id().equals(m.get("userId")))
        .map(m -> (String) m.get("role"))
        .findFirst()
        .orElse(null);
  }
}
