package com.parley.im.message.conversation;

import com.parley.im.defaults.outbox.OutboxMessage;
import com.parley.im.defaults.outbox.OutboxPublisher;
import com.parley.im.defaults.outbox.OutboxRelayListener;
import com.parley.im.defaults.outbox.RabbitOutboxPublisher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The outbox of the tests: the real batching publisher with confirms, which a test can make fail
 * from a given event on, and a relay listener that records each batch it is shown (and whether any
 * of its rows was already published at that moment), or fails on request.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestOutbox {

  @Bean
  FailingPublisher failingPublisher() {
    return new FailingPublisher();
  }

  @Bean
  RecordingListener recordingListener(DatabaseClient db) {
    return new RecordingListener(db);
  }

  /** Delegates to the real publisher; fails the batch at the event named by {@link #failAt}. */
  public static class FailingPublisher implements OutboxPublisher {

    private volatile OutboxPublisher delegate;
    private volatile String failAt;

    @Autowired
    void setRabbit(
        ConnectionFactory rabbit,
        @Value("${spring.cloud.stream.rabbit.default.producer.prefix:}") String prefix) {
      delegate = new RabbitOutboxPublisher(rabbit, prefix, Duration.ofSeconds(5));
    }

    public void failAt(String eventId) {
      failAt = eventId;
    }

    @Override
    public void publish(OutboxMessage message) {
      publishAll(List.of(message));
    }

    @Override
    public Published publishAll(List<OutboxMessage> messages) {
      String failing = failAt;
      for (int i = 0; i < messages.size(); i++) {
        if (messages.get(i).eventId().equals(failing)) {
          Published before = delegate.publishAll(messages.subList(0, i));
          return new Published(
              before.confirmed(),
              before.failure() != null
                  ? before.failure()
                  : new IllegalStateException("broker refused (test switch)"));
        }
      }
      return delegate.publishAll(messages);
    }
  }

  /** One batch as a listener saw it. */
  public record SeenBatch(List<String> eventIds, long alreadyPublished) {}

  /** Records batches; fails every call while {@link #failing} is set. */
  public static class RecordingListener implements OutboxRelayListener {

    private final DatabaseClient db;
    public final List<SeenBatch> seen = new CopyOnWriteArrayList<>();
    private volatile boolean failing;

    RecordingListener(DatabaseClient db) {
      this.db = db;
    }

    public void failing(boolean failing) {
      this.failing = failing;
    }

    @Override
    public Mono<Void> relaying(List<OutboxMessage> batch) {
      if (failing) {
        return Mono.error(new IllegalStateException("listener failure (test switch)"));
      }
      return db.sql(
              "select count(*) from outbox_event where id = any(:ids) and published_at is not null")
          .bind("ids", batch.stream().map(OutboxMessage::id).toArray(Long[]::new))
          .map(row -> row.get(0, Long.class))
          .one()
          .doOnNext(
              published ->
                  seen.add(
                      new SeenBatch(
                          batch.stream().map(OutboxMessage::eventId).toList(), published)))
          .then();
    }
  }
}
