package com.parley.im.load.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.load.chat.DeliveryLedger.Recv;
import com.parley.im.load.chat.DeliveryLedger.Report;
import com.parley.im.load.chat.DeliveryLedger.Suspect;
import com.parley.im.load.chat.DeliveryLedger.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The accounting of a chat run, fed with small fabricated event sequences. */
class DeliveryLedgerTests {

  private static final long MS = 1_000_000L;
  private static final long REDELIVERY = 10_000 * MS;

  private DeliveryLedger ledger;

  @BeforeEach
  void pairOfAliceAndBob() {
    ledger = new DeliveryLedger(REDELIVERY);
    ledger.conversation("c", List.of("alice", "bob"), 0);
  }

  /** Alice sends {@code id} at {@code t} ms and gets the ack with {@code seq} 1 ms later. */
  private void aliceSends(String id, long seq, long t) {
    ledger.sent(id, "c", "alice", t * MS);
    ledger.acked(id, "c", seq, (t + 1) * MS);
  }

  private void bobGets(String id, long seq, long t) {
    ledger.pushed("bob", "c", seq, "alice", id, null, t * MS);
  }

  @Test
  void aCleanExchangeKeepsEveryPromise() {
    aliceSends("a1", 1, 0);
    bobGets("a1", 1, 3);
    ledger.sent("b1", "c", "bob", 10 * MS);
    ledger.acked("b1", "c", 2, 11 * MS);
    ledger.pushed("alice", "c", 2, "bob", "b1", 10 * MS, 15 * MS);

    Report report = ledger.report(Map.of());

    assertThat(report.sent()).isEqualTo(2);
    assertThat(report.acked()).isEqualTo(2);
    assertThat(report.delivered()).isEqualTo(2);
    assertThat(report.expectedDeliveries()).isEqualTo(2);
    assertThat(report.lost()).isZero();
    assertThat(report.repeats()).isZero();
    assertThat(report.outOfOrder()).isZero();
    assertThat(report.unfilledGaps()).isZero();
    assertThat(report.ackGaps()).isZero();
    assertThat(report.violations()).isEmpty();
    assertThat(report.endToEndMicros().getTotalCount()).isEqualTo(2);
    assertThat(report.endToEndMicros().getMaxValue()).isBetween(4_990L, 5_010L);
    assertThat(report.ackLatencyMicros().getTotalCount()).isEqualTo(2);
    assertThat(ledger.suspectedLosses()).isEmpty();
  }

  @Test
  void anAckedMessageNeverPushedIsSuspectedAndClassifiedByTheHistory() {
    aliceSends("a1", 1, 0);
    aliceSends("a2", 2, 1);
    bobGets("a2", 2, 5);

    Suspect suspect = new Suspect("bob", "c", 1, "a1");
    assertThat(ledger.suspectedLosses()).containsExactly(suspect);

    Report inHistory = ledger.report(Map.of(suspect, Verdict.NOT_PUSHED));
    assertThat(inHistory.lostNotPushed()).isEqualTo(1);
    assertThat(inHistory.missingFromHistory()).isZero();
    assertThat(inHistory.unfilledGaps()).isEqualTo(1);
    assertThat(inHistory.outOfOrder()).isZero();
    assertThat(inHistory.violations()).isNotEmpty();

    Report gone = ledger.report(Map.of(suspect, Verdict.MISSING_FROM_HISTORY));
    assertThat(gone.missingFromHistory()).isEqualTo(1);
    assertThat(gone.lostNotPushed()).isZero();

    assertThat(ledger.report(Map.of()).lostUnverified()).isEqualTo(1);
  }

  @Test
  void aLowerSeqAfterAHigherOneIsOutOfOrderButNotAGap() {
    aliceSends("a1", 1, 0);
    aliceSends("a2", 2, 1);
    bobGets("a2", 2, 5);
    bobGets("a1", 1, 6);

    Report report = ledger.report(Map.of());

    assertThat(report.outOfOrder()).isEqualTo(1);
    assertThat(report.unfilledGaps()).isZero();
    assertThat(report.lost()).isZero();
    assertThat(report.violations()).containsExactly("1 pushes out of order");
  }

  @Test
  void aRepeatBeforeTheRecvAndSoonerThanTheRedeliveryIntervalIsADuplicate() {
    aliceSends("a1", 1, 0);
    bobGets("a1", 1, 3);
    bobGets("a1", 1, 4);

    Report report = ledger.report(Map.of());

    assertThat(report.repeats()).isEqualTo(1);
    assertThat(report.duplicates()).isEqualTo(1);
    assertThat(report.delivered()).isEqualTo(1);
    assertThat(report.violations()).containsExactly("1 duplicate pushes (not redeliveries)");
  }

  @Test
  void aRepeatAfterTheRecvIsARedelivery() {
    aliceSends("a1", 1, 0);
    bobGets("a1", 1, 3);
    assertThat(ledger.recvsDue().get("bob")).containsExactly(new Recv("c", 1));
    bobGets("a1", 1, 200);

    Report report = ledger.report(Map.of());

    assertThat(report.repeats()).isEqualTo(1);
    assertThat(report.duplicates()).isZero();
    assertThat(report.redeliveries()).isEqualTo(1);
    assertThat(report.violations()).isEmpty();
  }

  @Test
  void aRepeatWithoutRecvAfterTheRedeliveryIntervalIsARedelivery() {
    aliceSends("a1", 1, 0);
    bobGets("a1", 1, 3);
    bobGets("a1", 1, 3 + 10_001);

    Report report = ledger.report(Map.of());

    assertThat(report.repeats()).isEqualTo(1);
    assertThat(report.duplicates()).isZero();
  }

  @Test
  void recvCoversTheContiguousPrefixIncludingTheDevicesOwnSends() {
    ledger.sent("b1", "c", "bob", 0);
    ledger.acked("b1", "c", 1, MS);
    aliceSends("a2", 2, 1);
    aliceSends("a3", 3, 2);
    bobGets("a3", 3, 5);

    assertThat(ledger.recvsDue().get("bob")).containsExactly(new Recv("c", 1));
    assertThat(ledger.recvsDue()).doesNotContainKey("bob");

    bobGets("a2", 2, 6);

    assertThat(ledger.recvsDue().get("bob")).containsExactly(new Recv("c", 3));
    assertThat(ledger.recvsDue().get("alice")).isNull();
  }

  @Test
  void acksWithAHoleOrTwoMessagesOnOneSeqAreReported() {
    aliceSends("a1", 1, 0);
    aliceSends("a2", 3, 1);
    aliceSends("a3", 3, 2);

    Report report = ledger.report(Map.of());

    assertThat(report.ackGaps()).isEqualTo(1);
    assertThat(report.ackSeqConflicts()).isEqualTo(1);
    assertThat(report.violations())
        .contains("1 seqs missing between acks", "1 seqs acked for two messages, 0 acks changed");
  }

  @Test
  void aResendsAckIsARepeatedAckAndAChangedOneIsAMismatch() {
    aliceSends("a1", 1, 0);
    assertThat(ledger.acked("a1", "c", 1, 5 * MS)).isFalse();
    ledger.acked("a1", "c", 2, 6 * MS);

    Report report = ledger.report(Map.of());

    assertThat(report.acked()).isEqualTo(1);
    assertThat(report.repeatedAcks()).isEqualTo(2);
    assertThat(report.ackMismatches()).isEqualTo(1);
  }

  @Test
  void pushesAtOrBelowTheBaselineAreHistoryNotDeliveries() {
    ledger.conversation("g", List.of("alice", "bob", "carol"), 5);
    ledger.pushed("bob", "g", 1, "alice", null, null, MS);
    ledger.sent("a1", "g", "alice", 0);
    ledger.acked("a1", "g", 6, MS);
    ledger.pushed("bob", "g", 6, "alice", "a1", 0L, 2 * MS);
    ledger.pushed("carol", "g", 6, "alice", "a1", 0L, 3 * MS);

    Report report = ledger.report(Map.of());

    assertThat(report.baselinePushes()).isEqualTo(1);
    assertThat(report.delivered()).isEqualTo(2);
    assertThat(report.expectedDeliveries()).isEqualTo(2);
    assertThat(report.unfilledGaps()).isZero();
    assertThat(report.ackGaps()).isZero();
    assertThat(report.violations()).isEmpty();
  }

  @Test
  void inAGroupEachMemberThatMissedAMessageIsOneSuspect() {
    ledger.conversation("g", List.of("alice", "bob", "carol"), 1);
    ledger.sent("a1", "g", "alice", 0);
    ledger.acked("a1", "g", 2, MS);
    ledger.pushed("bob", "g", 2, "alice", "a1", 0L, 2 * MS);

    assertThat(ledger.expectedDeliveries()).isEqualTo(2);
    assertThat(ledger.deliveredOfAcked()).isEqualTo(1);
    assertThat(ledger.suspectedLosses()).containsExactly(new Suspect("carol", "g", 2, "a1"));
  }

  @Test
  void onlySendsIntendedWithinTheWindowCountForThroughputAndLatency() {
    ledger.window(100 * MS, 200 * MS);
    aliceSends("warm", 1, 50);
    bobGets("warm", 1, 52);
    aliceSends("measured", 2, 150);
    bobGets("measured", 2, 160);
    aliceSends("late", 3, 200);
    bobGets("late", 3, 201);

    Report report = ledger.report(Map.of());

    assertThat(report.sent()).isEqualTo(3);
    assertThat(report.sentInWindow()).isEqualTo(1);
    assertThat(report.ackedInWindow()).isEqualTo(1);
    assertThat(report.deliveredInWindow()).isEqualTo(1);
    assertThat(report.endToEndMicros().getTotalCount()).isEqualTo(1);
    assertThat(report.endToEndMicros().getMaxValue()).isBetween(9_990L, 10_010L);
  }

  @Test
  void selfPushesForeignPushesAndPushesToNonMembersAreCountedApart() {
    aliceSends("a1", 1, 0);
    ledger.pushed("alice", "c", 1, "alice", "a1", 0L, 2 * MS);
    ledger.pushed("bob", "elsewhere", 1, "alice", "x", null, 2 * MS);
    ledger.pushed("mallory", "c", 1, "alice", "a1", 0L, 2 * MS);

    Report report = ledger.report(Map.of());

    assertThat(report.selfPushes()).isEqualTo(1);
    assertThat(report.foreignPushes()).isEqualTo(1);
    assertThat(report.nonMemberPushes()).isEqualTo(1);
    assertThat(report.delivered()).isZero();
    assertThat(report.violations()).contains("1 pushes to non-members");
  }

  @Test
  void refusalsAreCountedByCodeAndOnlyFinalOnesFail() {
    ledger.sent("a1", "c", "alice", 0);
    ledger.failed("a1", "rate_limited", false);
    ledger.failed("a1", "rate_limited", false);
    assertThat(ledger.pending()).isEqualTo(1);
    ledger.acked("a1", "c", 1, 5 * MS);
    ledger.sent("a2", "c", "alice", 0);
    ledger.failed("a2", "validation_failed", true);

    Report report = ledger.report(Map.of());

    assertThat(report.errors())
        .containsEntry("rate_limited", 2L)
        .containsEntry("validation_failed", 1L);
    assertThat(report.failed()).isEqualTo(1);
    assertThat(report.acked()).isEqualTo(1);
    assertThat(ledger.pending()).isZero();
  }

  @Test
  void aPushThatOvertakesItsAckCountsOnceTheAckArrives() {
    ledger.sent("a1", "c", "alice", 0);
    bobGets("a1", 1, 1);
    assertThat(ledger.deliveredOfAcked()).isZero();
    assertThat(ledger.report(Map.of()).deliveredOfUnacked()).isEqualTo(1);

    ledger.acked("a1", "c", 1, 2 * MS);

    assertThat(ledger.deliveredOfAcked()).isEqualTo(1);
    assertThat(ledger.expectedDeliveries()).isEqualTo(1);
    assertThat(ledger.report(Map.of()).deliveredOfUnacked()).isZero();
  }

  @Test
  void anAckAfterGivingUpCountsAsAcked() {
    ledger.sent("a1", "c", "alice", 0);
    ledger.failed("a1", "no_ack", true);
    ledger.acked("a1", "c", 1, 5 * MS);

    Report report = ledger.report(Map.of());

    assertThat(report.failed()).isZero();
    assertThat(report.acked()).isEqualTo(1);
  }
}
