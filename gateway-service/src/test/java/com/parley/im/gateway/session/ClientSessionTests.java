package com.parley.im.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The per-socket outbound queue: bounded, ordered, and the closing frame goes last. */
class ClientSessionTests {

  @Test
  void aClientThatDoesNotReadIsDisconnectedOnceTheQueueIsFull() {
    WebSocketSession socket = TestSessions.socket();
    // The socket's writer takes nothing: like a peer whose TCP window stays closed.
    when(socket.send(any()))
        .thenAnswer(
            call -> {
              Publisher<WebSocketMessage> frames = call.getArgument(0);
              frames.subscribe(new StalledSubscriber());
              return Mono.never();
            });
    AtomicInteger aborted = new AtomicInteger();
    ClientSession session = new ClientSession("u", "d", "s", socket, aborted::incrementAndGet, 4);
    session.writeAll().subscribe();

    for (int i = 0; i < 4; i++) {
      assertThat(session.send("{\"n\":" + i + "}")).isTrue();
    }
    assertThat(aborted).hasValue(0);

    assertThat(session.send("{\"n\":4}")).isFalse();
    assertThat(aborted).hasValue(1);
    assertThat(session.isClosing()).isTrue();
    assertThat(session.send("{\"n\":5}")).isFalse();
    assertThat(aborted).hasValue(1);
  }

  @Test
  void framesGoOutInOrderAndTheClosingFrameIsTheLastBeforeTheCloseFrame() {
    WebSocketSession socket = TestSessions.socket();
    List<String> written = new CopyOnWriteArrayList<>();
    when(socket.send(any()))
        .thenAnswer(
            call -> {
              Publisher<WebSocketMessage> frames = call.getArgument(0);
              return Flux.from(frames).doOnNext(m -> written.add(m.getPayloadAsText())).then();
            });
    CloseStatus revoked = new CloseStatus(4001, "session revoked");
    when(socket.close(revoked)).thenAnswer(call -> Mono.fromRunnable(() -> written.add("CLOSE")));
    ClientSession session = new ClientSession("u", "d", "s", socket, () -> {}, 16);

    session.send("a");
    session.send("b");
    StepVerifier.create(session.writeAll())
        .then(() -> session.close(revoked, "closing"))
        .then(() -> assertThat(session.send("too late")).isFalse())
        .verifyComplete();

    assertThat(written).containsExactly("a", "b", "closing", "CLOSE");
  }

  @Test
  void aConnectionThatEndedIsNotClosedAgain() {
    WebSocketSession socket = TestSessions.socket();
    when(socket.send(any()))
        .thenAnswer(call -> Flux.from(call.<Publisher<WebSocketMessage>>getArgument(0)).then());
    ClientSession session = new ClientSession("u", "d", "s", socket, () -> {}, 16);

    StepVerifier.create(session.writeAll()).then(session::ended).verifyComplete();

    verify(socket, never()).close(any());
  }

  @Test
  void aMessageFrameIsKeptUntilARecvCoversItAndWrittenAgainOnceDue() {
    List<String> written = new CopyOnWriteArrayList<>();
    ClientSession session = TestSessions.writingSession(written, 16);
    long interval = Duration.ofSeconds(10).toNanos();

    assertThat(session.sendAndKeep("c1", 1, "c1/1", 100)).isEqualTo(ClientSession.Kept.KEPT);
    session.sendAndKeep("c1", 2, "c1/2", 100);
    session.sendAndKeep("c2", 1, "c2/1", 100);
    session.sendAndKeep("c1", 2, "c1/2", 100); // a repeated push: kept once
    assertThat(session.pendingFrames()).isEqualTo(3);
    session.covered("c1", 1);
    assertThat(session.pendingFrames()).isEqualTo(2);

    // Not yet due: nothing; due: the uncovered ones, oldest first, and not again right after.
    long now = System.nanoTime();
    assertThat(session.redeliverDue(now, interval, 10)).isZero();
    assertThat(session.redeliverDue(now + interval, interval, 10)).isEqualTo(2);
    assertThat(session.redeliverDue(now + interval + 1, interval, 10)).isZero();
    assertThat(written).containsExactly("c1/1", "c1/2", "c2/1", "c1/2", "c1/2", "c2/1");

    session.covered("c1", 9);
    session.covered("c2", 1);
    assertThat(session.pendingFrames()).isZero();
    assertThat(session.redeliverDue(now + 3 * interval, interval, 10)).isZero();
  }

  @Test
  void beyondThePendingLimitTheOldestFrameIsForgotten() {
    ClientSession session = TestSessions.writingSession(new CopyOnWriteArrayList<>(), 16);
    session.sendAndKeep("c", 1, "1", 2);
    session.sendAndKeep("c", 2, "2", 2);
    assertThat(session.sendAndKeep("c", 3, "3", 2))
        .isEqualTo(ClientSession.Kept.KEPT_OLDEST_FORGOTTEN);
    assertThat(session.pendingFrames()).isEqualTo(2);
    session.covered("c", 2);
    assertThat(session.pendingFrames()).isEqualTo(1);
  }

  @Test
  void redeliveryFillsAtMostHalfTheOutboundQueueAndAClosedSocketKeepsNothing() {
    WebSocketSession socket = TestSessions.socket();
    when(socket.send(any()))
        .thenAnswer(
            call -> {
              call.<Publisher<WebSocketMessage>>getArgument(0).subscribe(new StalledSubscriber());
              return Mono.never();
            });
    ClientSession session = new ClientSession("u", "d", "s", socket, () -> {}, 8);
    session.writeAll().subscribe();
    for (int seq = 1; seq <= 3; seq++) {
      session.sendAndKeep("c", seq, "m" + seq, 100);
    }
    long later = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    // 3 frames wait unread; half the limit is 4: room for one.
    assertThat(session.redeliverDue(later, 1, 100)).isEqualTo(1);
    assertThat(session.redeliverDue(later, 1, 100)).isZero();

    session.close(CloseStatus.GOING_AWAY, null);
    assertThat(session.pendingFrames()).isZero();
    assertThat(session.sendAndKeep("c", 4, "m4", 100)).isEqualTo(ClientSession.Kept.NOT_QUEUED);
  }

  /** Subscribes and never asks for anything. */
  private static final class StalledSubscriber implements Subscriber<WebSocketMessage> {
    @Override
    public void onSubscribe(Subscription s) {}

    @Override
    public void onNext(WebSocketMessage message) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onComplete() {}
  }
}
