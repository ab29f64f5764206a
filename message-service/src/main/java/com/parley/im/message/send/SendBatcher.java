package com.parley.im.message.send;

import com.parley.im.defaults.ApiException;
import com.parley.im.defaults.tracing.MessageTracing;
import com.parley.im.message.fanout.MessageFanOut;
import com.parley.im.message.fanout.MessageFanOut.Committed;
import com.parley.im.message.store.NewMessage;
import com.parley.im.message.store.R2dbcMessageStore;
import com.parley.im.message.store.R2dbcMessageStore.IdempotencyKey;
import com.parley.im.message.store.StoredMessage;
import com.parley.im.protocol.ErrorCodes;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Stores checked sends, many per transaction (ADR 0006 §2). Sends from every caller (the gateways'
 * internal endpoint and the REST fallback) enter one queue; one batch is stored at a time: up to
 * {@code im.message.send-batch.max-size} sends, or whatever arrived while the previous transaction
 * ran.
 *
 * <p>A batch's transaction: drop repeats of one {@code (sender, clientMsgId)} within the batch
 * (they get the first's answer), lock the conversations' rows in id order and look up sends already
 * stored under their {@code (sender, clientMsgId)} in the same statement, then store the rest
 * through {@link R2dbcMessageStore} in one statement per step, seqs in arrival order. A first send
 * of the same id that another replica committed while this transaction waited for a lock is not in
 * the look-up's snapshot; the unique index catches it (below). Every send is answered after the
 * commit, and the batch's new messages are handed to {@link MessageFanOut#pushCommitted} then (ADR
 * 0030). If the unique index on {@code (sender_id, client_msg_id)} fires (a resend raced into
 * another conversation, or another replica), the batch is retried once and the resend answered from
 * the row.
 *
 * <p>Promises: a send is acknowledged only once it is durably stored; sends of one caller list keep
 * their relative order in the queue, so one device's sends get seqs in the order it sent them; a
 * resend, concurrent or late, is answered with the first message (same messageId and seq). Cannot
 * promise: an answer after a crash before the commit (the client resends).
 */
@Component
class SendBatcher {

  /** A checked send: its command and the body to store. */
  record Accepted(SendCommand send, java.util.Map<String, Object> body) {}

  private record Pending(Accepted accepted, Sinks.One<SendOutcome> answer, long queuedAt) {
    IdempotencyKey key() {
      return new IdempotencyKey(accepted.send().userId(), accepted.send().clientMsgId());
    }
  }

  private static final Logger log = LoggerFactory.getLogger(SendBatcher.class);

  private final R2dbcMessageStore store;
  private final MessageFanOut fanOut;
  private final TransactionalOperator tx;
  private final MessageTracing tracing;
  private final int maxSize;
  private final int maxQueued;
  private final boolean pushOnCommit;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean();
  private final DistributionSummary batchSize;
  private final Timer waited;
  private final Timer stored;

  SendBatcher(
      R2dbcMessageStore store,
      MessageFanOut fanOut,
      ReactiveTransactionManager transactions,
      SendProperties properties,
      MessageTracing tracing,
      ObjectProvider<MeterRegistry> meters) {
    this.store = store;
    this.fanOut = fanOut;
    this.tracing = tracing;
    this.tx = TransactionalOperator.create(transactions);
    this.maxSize = properties.sendBatch().maxSize();
    this.maxQueued = properties.sendBatch().maxQueued();
    this.pushOnCommit = properties.pushOnCommit();
    MeterRegistry registry = meters.getIfAvailable(SimpleMeterRegistry::new);
    this.batchSize =
        DistributionSummary.builder("im.message.send.batch")
            .description("Sends per batch transaction")
            .register(registry);
    this.waited =
        Timer.builder("im.message.send.queued")
            .description("How long the oldest send of a batch waited for the batch to start")
            .register(registry);
    this.stored =
        Timer.builder("im.message.send.transaction")
            .description("One batch's transaction, from its start to its answers")
            .register(registry);
  }

  /** Queues the sends in list order; answers each once it is stored (or refused), in list order. */
  Flux<SendOutcome> submit(List<Accepted> sends) {
    if (sends.isEmpty()) {
      return Flux.empty();
    }
    if (queued.addAndGet(sends.size()) > maxQueued) {
      queued.addAndGet(-sends.size());
      return Flux.fromIterable(sends).map(s -> SendOutcome.refused(SendErrors.busy()));
    }
    List<Pending> pendings = new ArrayList<>(sends.size());
    for (Accepted send : sends) {
      Pending pending = new Pending(send, Sinks.one(), System.nanoTime());
      pendings.add(pending);
      queue.add(pending);
    }
    drain();
    return Flux.fromIterable(pendings).concatMap(p -> p.answer().asMono());
  }

  /** Starts the next batch unless one is running. */
  private void drain() {
    while (running.compareAndSet(false, true)) {
      List<Pending> batch = new ArrayList<>(Math.min(maxSize, queued.get()));
      Pending next;
      while (batch.size() < maxSize && (next = queue.poll()) != null) {
        batch.add(next);
      }
      if (!batch.isEmpty()) {
        queued.addAndGet(-batch.size());
        long started = System.nanoTime();
        batchSize.record(batch.size());
        waited.record(started - batch.get(0).queuedAt(), TimeUnit.NANOSECONDS);
        store(batch)
            .doFinally(
                signal -> {
                  stored.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                  running.set(false);
                  drain();
                })
            .subscribe();
        return;
      }
      running.set(false);
      if (queue.isEmpty()) {
        return;
      }
    }
  }

  private Mono<Void> store(List<Pending> batch) {
    // Repeats of one (sender, clientMsgId) within the batch: the first is stored, all get its
    // answer.
    Map<IdempotencyKey, List<Pending>> byKey = new LinkedHashMap<>();
    for (Pending pending : batch) {
      byKey.computeIfAbsent(pending.key(), k -> new ArrayList<>()).add(pending);
    }
    List<Accepted> firsts = byKey.values().stream().map(p -> p.get(0).accepted()).toList();
    // The batch's transaction in the traces of its sampled sends (ADR 0028): the child of the
    // first, linked to the others.
    Span span =
        tracing.startBatch(
            "message.store", firsts.stream().map(a -> a.send().traceparent()).toList());
    return transaction(firsts)
        .onErrorResume(
            DataIntegrityViolationException.class,
            e -> {
              log.debug("A resend raced the batch ({}); storing it again", e.getMessage());
              return transaction(firsts);
            })
        .doOnNext(
            results -> {
              List<Committed> committed = new ArrayList<>(byKey.size());
              byKey.forEach(
                  (key, pendings) -> {
                    SendOutcome first = results.get(key);
                    for (int i = 0; i < pendings.size(); i++) {
                      SendOutcome outcome =
                          i == 0 || !first.ok()
                              ? first
                              : SendOutcome.stored(first.message(), false);
                      pendings.get(i).answer().tryEmitValue(outcome);
                    }
                    if (first.created()) {
                      committed.add(
                          new Committed(
                              first.message(), pendings.get(0).accepted().send().traceparent()));
                    }
                  });
              // In arrival order, which is seq order per conversation (ADR 0030).
              if (pushOnCommit) {
                fanOut.pushCommitted(committed);
              }
            })
        .onErrorResume(
            e -> {
              log.error("A batch of {} sends could not be stored", batch.size(), e);
              batch.forEach(p -> p.answer().tryEmitValue(SendOutcome.refused(SendErrors.busy())));
              if (span != null) {
                span.error(e);
              }
              return Mono.empty();
            })
        .doFinally(signal -> MessageTracing.end(span))
        .then();
  }

  /** One transaction for the batch; the outcome of each distinct send by its key. */
  private Mono<Map<IdempotencyKey, SendOutcome>> transaction(List<Accepted> sends) {
    Set<String> conversations = new TreeSet<>();
    sends.forEach(s -> conversations.add(s.send().conversationId()));
    List<IdempotencyKey> keys =
        sends.stream()
            .map(s -> new IdempotencyKey(s.send().userId(), s.send().clientMsgId()))
            .toList();
    Mono<Map<IdempotencyKey, SendOutcome>> work =
        store
            .lockConversationsAndFindResent(conversations, keys)
            .flatMap(
                locked -> {
                  Set<String> existing = locked.conversations();
                  Map<IdempotencyKey, StoredMessage> resent = locked.resent();
                  Map<IdempotencyKey, SendOutcome> outcomes = new HashMap<>();
                  List<NewMessage> fresh = new ArrayList<>();
                  List<IdempotencyKey> freshKeys = new ArrayList<>();
                  for (int i = 0; i < sends.size(); i++) {
                    SendCommand send = sends.get(i).send();
                    IdempotencyKey key = keys.get(i);
                    StoredMessage first = resent.get(key);
                    if (first != null) {
                      outcomes.put(key, SendOutcome.stored(first, false));
                    } else if (!existing.contains(send.conversationId())) {
                      outcomes.put(
                          key,
                          SendOutcome.refused(
                              ApiException.notFound(
                                  ErrorCodes.NOT_MEMBER, "No such conversation.")));
                    } else {
                      fresh.add(
                          new NewMessage(
                              store.newMessageId(),
                              send.conversationId(),
                              send.userId(),
                              send.deviceId(),
                              send.clientMsgId(),
                              send.kind(),
                              sends.get(i).body(),
                              send.traceparent()));
                      freshKeys.add(key);
                    }
                  }
                  return store
                      .append(fresh)
                      .map(
                          stored -> {
                            // Before the commit, so the relay never sees a row
                            // whose batch push it does not know of (ADR 0030).
                            if (pushOnCommit) {
                              fanOut.expect(stored.stream().map(StoredMessage::messageId).toList());
                            }
                            for (int i = 0; i < stored.size(); i++) {
                              outcomes.put(
                                  freshKeys.get(i), SendOutcome.stored(stored.get(i), true));
                            }
                            return outcomes;
                          });
                });
    return tx.transactional(Mono.defer(() -> work));
  }
}
