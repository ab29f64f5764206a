package com.parley.im.message.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.message.conversation.MessagingIntegrationTestBase;
import com.parley.im.message.store.NewMessage;
import com.parley.im.message.store.R2dbcMessageStore;
import com.parley.im.message.store.StoredMessage;
import com.parley.im.testsupport.TestServiceTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sending through the real batcher, database and Redis: idempotency under concurrent resends,
 * gapless seqs under concurrent senders in one group, the internal contract, validation and the
 * rate limit.
 */
class SendIntegrationTests extends MessagingIntegrationTestBase {

  @Autowired SendService sending;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired R2dbcMessageStore store;
  @Autowired ReactiveTransactionManager transactions;

  @Value("${im.redis.key-prefix}")
  String redisPrefix;

  private static Map<String, Object> text(String text) {
    return Map.of("text", text);
  }

  private static SendCommand command(
      User user, String device, String id, String conversation, String text) {
    return new SendCommand(user.id(), device, id, conversation, "text", text(text));
  }

  private WebTestClient.ResponseSpec post(User as, String conversation, Object body) {
    return http.post()
        .uri("/api/conversations/{id}/messages", conversation)
        .headers(h -> h.setBearerAuth(as.token()))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }

  private static Map<String, Object> sendBody(String clientMsgId, String kind, Object body) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("clientMsgId", clientMsgId);
    map.put("kind", kind);
    map.put("body", body);
    return map;
  }

  private long rows(String conversation) {
    return count("select count(*) from message where conversation_id = '" + conversation + "'");
  }

  @Test
  void concurrentResendsThroughTheBatcherStoreOneRowAndGetTheSameAck() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);

    List<SendOutcome> outcomes =
        Flux.range(0, 20)
            .flatMap(i -> sending.send(List.of(command(a, "phone", "dup-1", direct, "once"))), 20)
            .map(list -> list.get(0))
            .collectList()
            .block(WAIT);

    assertThat(outcomes).hasSize(20).allMatch(SendOutcome::ok);
    assertThat(outcomes.stream().map(o -> o.message().messageId()).distinct()).hasSize(1);
    assertThat(outcomes.stream().map(o -> o.message().seq()).distinct()).containsExactly(1L);
    assertThat(outcomes.stream().filter(SendOutcome::created)).hasSize(1);
    assertThat(rows(direct)).isEqualTo(1);
  }

  @Test
  void concurrentResendsThroughRestStoreOneRowAnswer201OnceAnd200Otherwise() throws Exception {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    ExecutorService pool = Executors.newFixedThreadPool(20);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<EntityExchangeResult<Map>>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Callable<EntityExchangeResult<Map>> call =
            () -> {
              start.await(10, TimeUnit.SECONDS);
              return post(a, direct, sendBody("rest-dup", "text", text("hi")))
                  .expectBody(Map.class)
                  .returnResult();
            };
        futures.add(pool.submit(call));
      }
      start.countDown();
      List<Integer> statuses = new ArrayList<>();
      Set<Object> ids = new HashSet<>();
      for (var future : futures) {
        EntityExchangeResult<Map> result = future.get(30, TimeUnit.SECONDS);
        statuses.add(result.getStatus().value());
        ids.add(result.getResponseBody().get("messageId"));
        assertThat(result.getResponseBody().get("seq")).isEqualTo(1);
      }
      assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
      assertThat(statuses.stream().filter(s -> s == 200)).hasSize(19);
      assertThat(ids).hasSize(1);
      assertThat(rows(direct)).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentSendersInOneGroupGetGaplessSeqsInEachSendersOrder() {
    User[] senders = {user(), user(), user(), user()};
    String group = group(senders);

    // Each sender sends 50 messages as 5 pipelined lists of 10 (as a gateway forwards them), the
    // four senders at once.
    List<SendOutcome> all =
        Flux.range(0, 4)
            .flatMap(
                s ->
                    Flux.range(0, 5)
                        .concatMap(
                            b -> {
                              List<SendCommand> list = new ArrayList<>();
                              for (int k = 0; k < 10; k++) {
                                int n = b * 10 + k;
                                list.add(
                                    command(senders[s], "d" + s, "m-" + n, group, s + ":" + n));
                              }
                              return sending.send(list);
                            })
                        .flatMapIterable(l -> l),
                4)
            .collectList()
            .block(Duration.ofSeconds(60));

    assertThat(all).hasSize(200).allMatch(SendOutcome::ok);
    assertThat(all.stream().map(o -> o.message().seq()).sorted().toList())
        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
    Map<String, List<long[]>> bySender = new HashMap<>();
    for (SendOutcome o : all) {
      String[] parts = ((String) o.message().body().get("text")).split(":");
      bySender
          .computeIfAbsent(parts[0], k -> new ArrayList<>())
          .add(new long[] {Long.parseLong(parts[1]), o.message().seq()});
    }
    bySender.forEach(
        (sender, sent) -> {
          sent.sort((x, y) -> Long.compare(x[0], y[0]));
          for (int i = 1; i < sent.size(); i++) {
            assertThat(sent.get(i)[1])
                .as("sender %s message %d", sender, i)
                .isGreaterThan(sent.get(i - 1)[1]);
          }
        });
    assertThat(count("select last_seq from conversation where id = '" + group + "'"))
        .isEqualTo(200);
    assertThat(
            count(
                "select read_seq from member where conversation_id = '"
                    + group
                    + "' and user_id = '"
                    + senders[0].id()
                    + "'"))
        .isEqualTo(bySender.get("0").stream().mapToLong(x -> x[1]).max().orElseThrow());
  }

  @Test
  @SuppressWarnings("unchecked")
  void internalEndpointAnswersEachSendInOrder() {
    User a = user();
    User b = user();
    User stranger = user();
    String direct = befriend(a, b);
    List<Map<String, Object>> sends = new ArrayList<>();
    sends.add(internal(a, "i-1", direct, "text", text("one")));
    sends.add(internal(a, "i-2", direct, "system", text("no")));
    sends.add(internal(stranger, "i-3", direct, "text", text("not mine")));
    sends.add(internal(a, "i-4", direct, "text", text("two")));
    sends.add(internal(a, "i-1", direct, "text", text("one")));

    Map<String, Object> response =
        http.post()
            .uri("/internal/messages/send")
            .header("Authorization", TestServiceTokens.authorization())
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("sends", sends))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    List<Map<String, Object>> results = (List<Map<String, Object>>) response.get("results");
    assertThat(results).hasSize(5);
    assertThat(results.get(0))
        .containsEntry("status", "ok")
        .containsEntry("seq", 1)
        .containsKeys("messageId", "createdAt");
    assertThat(results.get(0)).containsEntry("conversationId", direct);
    assertThat(results.get(1))
        .containsEntry("status", "error")
        .containsEntry("code", "validation_failed");
    assertThat(results.get(2)).containsEntry("status", "error").containsEntry("code", "not_member");
    assertThat(results.get(3)).containsEntry("status", "ok").containsEntry("seq", 2);
    assertThat(results.get(4))
        .containsEntry("status", "ok")
        .containsEntry("messageId", results.get(0).get("messageId"));

    http.post()
        .uri("/internal/messages/send")
        .header("Authorization", TestServiceTokens.authorization())
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("sends", List.of()))
        .exchange()
        .expectStatus()
        .isBadRequest();
  }

  /**
   * The forged send of issue 8 ("Why 1"): a caller that skips the gateway posts a send in A's name
   * to the internal endpoint. Without a service credential, with one of another key or an expired
   * one, it is refused with 401 and nothing is stored.
   */
  @Test
  void aForgedSendWithoutTheServiceCredentialIsRefusedAndStoresNothing() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    Map<String, Object> forged =
        Map.of("sends", List.of(internal(a, "x1", direct, "text", text("forged"))));
    for (String credential :
        new String[] {
          null, TestServiceTokens.signedWithAnotherKey(), TestServiceTokens.expired()
        }) {
      http.post()
          .uri("/internal/messages/send")
          .headers(
              h -> {
                if (credential != null) {
                  h.set("Authorization", credential);
                }
              })
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(forged)
          .exchange()
          .expectStatus()
          .isUnauthorized()
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("service_unauthorized");
    }
    assertThat(count("select count(*) from message where conversation_id = '" + direct + "'"))
        .isZero();
  }

  private static Map<String, Object> internal(
      User user, String id, String conversation, String kind, Object body) {
    Map<String, Object> send = new LinkedHashMap<>();
    send.put("userId", user.id());
    send.put("deviceId", "phone");
    send.put("clientMsgId", id);
    send.put("conversationId", conversation);
    send.put("kind", kind);
    send.put("body", body);
    return send;
  }

  @Test
  void everyKindIsValidatedWithAClearCode() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    String longText = "x".repeat(4001);
    Object[][] bad = {
      {"text", Map.of()},
      {"text", Map.of("text", "")},
      {"text", Map.of("text", "   ")},
      {"text", Map.of("text", longText)},
      {"text", Map.of("text", 5)},
      {"text", "not an object"},
      {"emoji", Map.of()},
      {"image", Map.of("width", 10, "height", 10)},
      {"image", Map.of("mediaId", "m1", "width", 0, "height", 10)},
      {"voice", Map.of("mediaId", "m1")},
      {"video", Map.of("mediaId", "m1", "durationMs", -1)},
      {"file", Map.of("mediaId", "m1", "size", 10)},
      {"file", Map.of("mediaId", "m1", "name", "a.txt", "size", 1.5)},
      {"location", Map.of("lat", 91, "lng", 0)},
      {"location", Map.of("lat", 0, "lng", -181)},
      {"location", Map.of("lat", "north", "lng", 0)},
      {"custom", Map.of("blob", "y".repeat(17 * 1024))},
      {"system", Map.of("event", "created")},
      {"recall", Map.of("messageId", "x", "seq", 1)},
      {"sticker", Map.of("id", "s")},
    };
    int i = 0;
    for (Object[] c : bad) {
      expectProblem(
          post(a, direct, sendBody("bad-" + i++, (String) c[0], c[1])), 400, "validation_failed");
    }
    expectProblem(post(a, direct, sendBody("", "text", text("x"))), 400, "validation_failed");
    expectProblem(
        post(a, direct, sendBody("y".repeat(65), "text", text("x"))), 400, "validation_failed");
    assertThat(rows(direct)).isZero();

    // Valid bodies of the kinds that need no media; unknown fields are not stored.
    Object[][] good = {
      {"text", Map.of("text", "x".repeat(4000), "extra", "dropped")},
      {"emoji", Map.of("emoji", "👍")},
      {"location", Map.of("lat", 52.5, "lng", 13.4, "label", "Berlin")},
      {"custom", Map.of("any", List.of(1, 2, Map.of("deep", true)))},
    };
    for (Object[] c : good) {
      post(a, direct, sendBody("good-" + i++, (String) c[0], c[1])).expectStatus().isCreated();
    }
    var stored =
        post(a, direct, sendBody("good-0-again", "text", Map.of("text", "hi", "extra", "x")))
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat((Map<String, Object>) stored.get("body")).containsOnlyKeys("text");
    assertThat(stored).containsEntry("kind", "text").containsEntry("senderDeviceId", "phone");

    // Media kinds ask media-service, which is not running here: refused, never stored.
    var media =
        post(
                a,
                direct,
                sendBody("media-1", "image", Map.of("mediaId", "m1", "width", 1, "height", 1)))
            .expectBody(Map.class)
            .returnResult();
    assertThat(media.getResponseBody().get("code")).isIn("service_unavailable", "media_not_found");
    assertThat(rows(direct)).isEqualTo(5);
  }

  @Test
  void nonMembersAreRefused() {
    User a = user();
    User b = user();
    User c = user();
    String direct = befriend(a, b);
    expectProblem(post(c, direct, sendBody("nm-1", "text", text("hi"))), 404, "not_member");
    expectProblem(post(c, "nope", sendBody("nm-2", "text", text("hi"))), 404, "not_member");
  }

  @Test
  @SuppressWarnings("unchecked")
  void anEmptyBucketRefusesWithRetryAfterOnBothPaths() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    // Empty the user's bucket until a minute from now (by Redis's clock).
    long nowMs = redis.execute(conn -> conn.serverCommands().time()).blockFirst(WAIT);
    redis
        .opsForHash()
        .putAll(
            redisPrefix + "send-rate:" + a.id(),
            Map.of("t", "0", "ts", Long.toString(nowMs + 60_000)))
        .block(WAIT);

    var result =
        post(a, direct, sendBody("rl-1", "text", text("hi"))).expectBody(Map.class).returnResult();
    assertThat(result.getStatus().value()).isEqualTo(429);
    assertThat(result.getResponseBody()).containsEntry("code", "rate_limited");
    assertThat(Long.parseLong(result.getResponseHeaders().getFirst("Retry-After")))
        .isGreaterThanOrEqualTo(20);

    SendOutcome outcome =
        sending.send(List.of(command(a, "phone", "rl-2", direct, "hi"))).block(WAIT).get(0);
    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.error().code()).isEqualTo("rate_limited");
    assertThat(outcome.retryAfterMs()).isGreaterThan(20_000);
    assertThat(rows(direct)).isZero();

    // Another user is not affected.
    post(b, direct, sendBody("rl-3", "text", text("hi"))).expectStatus().isCreated();
  }

  @Test
  void theBucketLetsABurstThroughThenLimits() {
    User a = user();
    User b = user();
    String direct = befriend(a, b);
    List<SendCommand> burst = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      burst.add(command(a, "phone", "b-" + i, direct, "m" + i));
    }
    assertThat(sending.send(burst).block(WAIT)).allMatch(SendOutcome::ok);
    List<SendCommand> more = new ArrayList<>();
    for (int i = 100; i < 200; i++) {
      more.add(command(a, "phone", "b-" + i, direct, "m" + i));
    }
    List<SendOutcome> outcomes = sending.send(more).block(WAIT);
    assertThat(outcomes.stream().filter(o -> !o.ok()))
        .isNotEmpty()
        .allMatch(o -> o.error().code().equals("rate_limited") && o.retryAfterMs() > 0);
  }

  @Test
  void aResendRacingIntoAnotherConversationIsAnsweredFromTheRowAfterARetry() {
    User a = user();
    User b = user();
    User c = user();
    String withB = befriend(a, b);
    String withC = befriend(a, c);
    // Another writer (as another replica would) stores (a, "race-1") into withB and holds its
    // transaction open, so the batch's lookup does not see the row and its insert waits on the
    // unique index until that commit, then fails.
    CompletableFuture<Void> inserted = new CompletableFuture<>();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    TransactionalOperator tx = TransactionalOperator.create(transactions);
    var first =
        tx.transactional(
                store
                    .append(
                        List.of(
                            new NewMessage(
                                store.newMessageId(),
                                withB,
                                a.id(),
                                "laptop",
                                "race-1",
                                "text",
                                text("first"))))
                    .doOnNext(stored -> inserted.complete(null))
                    .flatMap(stored -> Mono.fromFuture(gate).thenReturn(stored.get(0))))
            .toFuture();
    // The resend starts once the other row is written (uncommitted): started earlier, it could
    // commit its own row first and the race would not happen.
    awaitTrue(inserted::isDone);
    var resend = sending.send(List.of(command(a, "phone", "race-1", withC, "second"))).toFuture();
    // The batch's insert waits for the other transaction (it can only wait on that row).
    try {
      awaitTrue(
          () ->
              count(
                      "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                          + " and datname = current_database() and query like '%insert into message (%'")
                  > 0);
    } finally {
      gate.complete(null);
    }

    StoredMessage stored = first.join();
    SendOutcome outcome = resend.join().get(0);
    assertThat(outcome.ok()).isTrue();
    assertThat(outcome.created()).isFalse();
    assertThat(outcome.message().messageId()).isEqualTo(stored.messageId());
    assertThat(outcome.message().conversationId()).isEqualTo(withB);
    assertThat(rows(withC)).isZero();
    assertThat(count("select last_seq from conversation where id = '" + withC + "'")).isZero();
  }

  protected void expectProblem(WebTestClient.ResponseSpec response, int status, String code) {
    var result = response.expectBody(Map.class).returnResult();
    assertThat(result.getStatus().value()).as("%s", result.getResponseBody()).isEqualTo(status);
    assertThat(result.getResponseBody())
        .as("%s", result.getResponseBody())
        .containsEntry("code", code);
  }
}
