package com.parley.im.load.chat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The accounting of a chat run: every send, ack, error and push that the load tool's clients see,
 * and what they mean for PROTOCOL.md's promises.
 *
 * <p>Promises it checks, per recipient device (one device per user here) and conversation:
 *
 * <ul>
 *   <li><b>No loss</b>: every acked message is pushed to every other member's device. An acked
 *       message that a member never got is a <em>suspected loss</em>; the caller verifies each one
 *       against the history ({@link #report(Map)}): present there means "not pushed", absent means
 *       "missing from history" (a real loss of a stored message).
 *   <li><b>No duplicates</b>: a repeated push of one {@code (conversationId, seq)} is a
 *       <em>repeat</em>. Redelivery (PROTOCOL.md 4) legitimately repeats a push that the device did
 *       not cover with a {@code recv} within the redelivery interval, so a repeat counts as a
 *       <em>duplicate</em> only when it arrived before this device sent a {@code recv} covering
 *       that seq and less than the redelivery interval after the first copy.
 *   <li><b>No disorder</b>: a first copy whose seq is lower than a seq already pushed to this
 *       device in that conversation is <em>out of order</em>; a seq between the run's baseline and
 *       the highest pushed seq that the device neither received nor sent itself is an <em>unfilled
 *       gap</em>.
 *   <li><b>Gapless acks</b>: per conversation, two different messages acked with one seq is an
 *       <em>ack seq conflict</em>; a seq between the baseline and the highest acked seq that no ack
 *       named is an <em>ack gap</em>.
 * </ul>
 *
 * <p>Only pushes with a seq above the conversation's baseline (its {@code lastSeq} when the sockets
 * were open, before any send) take part: earlier ones (group creation messages) are history. Times
 * are {@link System#nanoTime()} values of this JVM, where every client lives, so the difference
 * between a sender's send and a recipient's receipt is the end-to-end latency.
 *
 * <p>Thread-safe: every method holds the ledger's lock for a short, non-blocking moment.
 */
public final class DeliveryLedger {

  /** Highest latency recorded, in microseconds; longer ones are recorded as this. */
  private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final long redeliveryNanos;
  private long windowStart = Long.MIN_VALUE;
  private long windowEnd = Long.MAX_VALUE;

  private final Map<String, Conversation> conversations = new HashMap<>();
  private final Map<String, Sent> sends = new HashMap<>();
  private final Map<String, Map<String, View>> views = new HashMap<>();
  private final Map<String, Long> errors = new TreeMap<>();

  private final Histogram endToEnd = new Histogram(MAX_LATENCY_MICROS, 3);
  private final Histogram ackLatency = new Histogram(MAX_LATENCY_MICROS, 3);

  private long sentCount;
  private long sentInWindow;
  private long resends;
  private long ackedCount;
  private long ackedInWindow;
  private long repeatedAcks;
  private long ackMismatches;
  private long unknownAcks;
  private long failedCount;
  private long delivered;
  private long deliveredInWindow;
  private long deliveredOfUnacked;
  private long repeats;
  private long duplicates;
  private long outOfOrder;
  private long selfPushes;
  private long baselinePushes;
  private long foreignPushes;
  private long nonMemberPushes;

  /**
   * @param redeliveryNanos the server's redelivery interval: a repeat this long after the first
   *     copy may be a redelivery
   */
  public DeliveryLedger(long redeliveryNanos) {
    this.redeliveryNanos = redeliveryNanos;
  }

  /** The measured window: throughput and latency count only sends intended within it. */
  public synchronized void window(long startNanos, long endNanos) {
    this.windowStart = startNanos;
    this.windowEnd = endNanos;
  }

  /**
   * A conversation of the run, its members (user ids, one device each) and its {@code lastSeq}
   * before the first send.
   */
  public synchronized void conversation(String id, Collection<String> members, long baselineSeq) {
    Conversation conversation = new Conversation(id, List.copyOf(members), baselineSeq);
    conversations.put(id, conversation);
    for (String member : members) {
      views.computeIfAbsent(member, m -> new HashMap<>()).put(id, new View(baselineSeq));
    }
  }

  /** The first {@code send} of a message, intended at {@code intendedNanos}. */
  public synchronized void sent(
      String clientMsgId, String conversationId, String senderId, long intendedNanos) {
    if (sends.containsKey(clientMsgId)) {
      throw new IllegalArgumentException("clientMsgId sent twice: " + clientMsgId);
    }
    sends.put(clientMsgId, new Sent(conversationId, senderId, intendedNanos));
    sentCount++;
    if (inWindow(intendedNanos)) {
      sentInWindow++;
    }
  }

  /** The same frame (same id) sent again: after {@code rate_limited} or an ack timeout. */
  public synchronized void resent(String clientMsgId) {
    resends++;
  }

  /**
   * An {@code ack} frame arrived.
   *
   * @return true when it is the first ack of a message this ledger knows (a resend's ack repeats)
   */
  public synchronized boolean acked(
      String clientMsgId, String conversationId, long seq, long nowNanos) {
    Sent sent = sends.get(clientMsgId);
    if (sent == null) {
      unknownAcks++;
      return false;
    }
    if (sent.state == State.ACKED) {
      repeatedAcks++;
      if (sent.seq != seq || !sent.conversationId.equals(conversationId)) {
        ackMismatches++;
      }
      return false;
    }
    if (!sent.conversationId.equals(conversationId)) {
      ackMismatches++;
    }
    if (sent.state == State.FAILED) {
      // Gave up on it (say an ack timeout at the end), and the ack came after all.
      failedCount--;
    }
    sent.state = State.ACKED;
    sent.seq = seq;
    deliveredOfUnacked -= sent.pushesBeforeAck;
    ackedCount++;
    if (inWindow(sent.intendedNanos)) {
      ackedInWindow++;
      ackLatency.recordValue(micros(nowNanos - sent.intendedNanos));
    }
    Conversation conversation = conversations.get(sent.conversationId);
    if (conversation != null) {
      String other = conversation.ackedSeqs.putIfAbsent(seq, clientMsgId);
      if (other != null && !other.equals(clientMsgId)) {
        conversation.ackSeqConflicts++;
      }
      View own = view(sent.senderId, sent.conversationId);
      if (own != null) {
        own.have(seq);
      }
    }
    return true;
  }

  /**
   * An {@code error} frame answered a send (counted by code). {@code giveUp} says the client will
   * not resend it; {@code rate_limited} and {@code service_unavailable} are resent.
   */
  public synchronized void failed(String clientMsgId, String code, boolean giveUp) {
    errors.merge(code, 1L, Long::sum);
    Sent sent = sends.get(clientMsgId);
    if (giveUp && sent != null && sent.state == State.PENDING) {
      sent.state = State.FAILED;
      failedCount++;
    }
  }

  /**
   * A {@code message} frame reached {@code recipientId}'s device.
   *
   * @param sendNanos the send time written into the text by the sender, or null (not ours)
   */
  public synchronized void pushed(
      String recipientId,
      String conversationId,
      long seq,
      String senderId,
      String clientMsgId,
      Long sendNanos,
      long nowNanos) {
    Conversation conversation = conversations.get(conversationId);
    if (conversation == null) {
      foreignPushes++;
      return;
    }
    View view = view(recipientId, conversationId);
    if (view == null) {
      nonMemberPushes++;
      return;
    }
    if (seq <= view.baseline) {
      baselinePushes++;
      return;
    }
    int index = Math.toIntExact(seq);
    if (view.pushed.get(index)) {
      repeats++;
      Long firstArrival = view.unrecved.get(seq);
      if (seq > view.recvSentUpTo
          && firstArrival != null
          && nowNanos - firstArrival < redeliveryNanos) {
        duplicates++;
      }
      return;
    }
    view.pushed.set(index);
    if (seq < view.maxPushed) {
      outOfOrder++;
    }
    view.maxPushed = Math.max(view.maxPushed, seq);
    view.have(seq);
    if (seq > view.recvSentUpTo) {
      view.unrecved.put(seq, nowNanos);
    }
    if (recipientId.equals(senderId)) {
      selfPushes++;
      return;
    }
    Sent sent = clientMsgId == null ? null : sends.get(clientMsgId);
    if (sent == null) {
      foreignPushes++;
      return;
    }
    delivered++;
    if (sent.state != State.ACKED) {
      // Pushed before its ack arrived (or never acked): counted against the ack until then.
      sent.pushesBeforeAck++;
      deliveredOfUnacked++;
    }
    if (inWindow(sent.intendedNanos)) {
      deliveredInWindow++;
      long from = sendNanos != null ? sendNanos : sent.intendedNanos;
      endToEnd.recordValue(micros(nowNanos - from));
    }
  }

  /** A {@code recv} the device should send now: it has every seq of the conversation up to seq. */
  public record Recv(String conversationId, long seq) {}

  /**
   * The {@code recv} frames due, per user: for each conversation whose contiguous prefix grew since
   * the last recv (the device's own acked sends count as had). Marks them as sent.
   */
  public synchronized Map<String, List<Recv>> recvsDue() {
    Map<String, List<Recv>> due = new LinkedHashMap<>();
    views.forEach(
        (user, byConversation) ->
            byConversation.forEach(
                (conversationId, view) -> {
                  if (view.contiguous > view.recvSentUpTo) {
                    view.recvSentUpTo = view.contiguous;
                    view.unrecved.headMap(view.contiguous, true).clear();
                    due.computeIfAbsent(user, u -> new ArrayList<>())
                        .add(new Recv(conversationId, view.contiguous));
                  }
                }));
    return due;
  }

  /** A one-line account for progress output. */
  public synchronized String progress() {
    return String.format(
        "sent %d, acked %d, failed %d, delivered %d, repeats %d, errors %s",
        sentCount, ackedCount, failedCount, delivered, repeats, errors);
  }

  /** Pushes still owed: for each acked message, the members other than its sender. */
  public synchronized long expectedDeliveries() {
    long expected = 0;
    for (Sent sent : sends.values()) {
      if (sent.state == State.ACKED) {
        Conversation conversation = conversations.get(sent.conversationId);
        if (conversation != null) {
          expected += conversation.members.size() - 1;
        }
      }
    }
    return expected;
  }

  /** Acked messages pushed to their recipients so far (first copies). */
  public synchronized long deliveredOfAcked() {
    return delivered - deliveredOfUnacked;
  }

  /** Messages sent and neither acked nor given up. */
  public synchronized long pending() {
    return sentCount - ackedCount - failedCount;
  }

  /** An acked message that a member's device never received. */
  public record Suspect(String recipientId, String conversationId, long seq, String clientMsgId) {}

  /** What the history says about a suspect. */
  public enum Verdict {
    /** The history has it: stored, but never pushed to this device. */
    NOT_PUSHED,
    /** The history does not have it, though it was acked: a real loss. */
    MISSING_FROM_HISTORY,
    /** Not checked (too many suspects, or the history could not be read). */
    UNVERIFIED
  }

  /** Acked messages that some recipient never got, in no particular order. */
  public synchronized List<Suspect> suspectedLosses() {
    List<Suspect> suspects = new ArrayList<>();
    sends.forEach(
        (clientMsgId, sent) -> {
          if (sent.state != State.ACKED) {
            return;
          }
          Conversation conversation = conversations.get(sent.conversationId);
          if (conversation == null) {
            return;
          }
          for (String member : conversation.members) {
            if (member.equals(sent.senderId)) {
              continue;
            }
            View view = view(member, sent.conversationId);
            if (view != null && !view.pushed.get(Math.toIntExact(sent.seq))) {
              suspects.add(new Suspect(member, sent.conversationId, sent.seq, clientMsgId));
            }
          }
        });
    return suspects;
  }

  /** The figures of the run; {@code verdicts} classifies {@link #suspectedLosses()}. */
  public synchronized Report report(Map<Suspect, Verdict> verdicts) {
    long notPushed = 0;
    long missing = 0;
    long unverified = 0;
    for (Suspect suspect : suspectedLosses()) {
      switch (verdicts.getOrDefault(suspect, Verdict.UNVERIFIED)) {
        case NOT_PUSHED -> notPushed++;
        case MISSING_FROM_HISTORY -> missing++;
        case UNVERIFIED -> unverified++;
      }
    }
    long gaps = 0;
    for (Map<String, View> byConversation : views.values()) {
      for (View view : byConversation.values()) {
        for (long s = view.baseline + 1; s <= view.maxPushed; s++) {
          if (!view.have.get(Math.toIntExact(s))) {
            gaps++;
          }
        }
      }
    }
    long ackGaps = 0;
    long ackConflicts = 0;
    for (Conversation conversation : conversations.values()) {
      ackConflicts += conversation.ackSeqConflicts;
      if (!conversation.ackedSeqs.isEmpty()) {
        long max = conversation.ackedSeqs.lastKey();
        for (long s = conversation.baseline + 1; s <= max; s++) {
          if (!conversation.ackedSeqs.containsKey(s)) {
            ackGaps++;
          }
        }
      }
    }
    return new Report(
        sentCount,
        sentInWindow,
        resends,
        ackedCount,
        ackedInWindow,
        repeatedAcks,
        ackMismatches,
        unknownAcks,
        failedCount,
        new TreeMap<>(errors),
        delivered,
        deliveredInWindow,
        deliveredOfUnacked,
        expectedDeliveries(),
        notPushed,
        missing,
        unverified,
        repeats,
        duplicates,
        outOfOrder,
        gaps,
        ackGaps,
        ackConflicts,
        selfPushes,
        baselinePushes,
        foreignPushes,
        nonMemberPushes,
        endToEnd.copy(),
        ackLatency.copy());
  }

  /**
   * The figures of a run. Latency histograms are in microseconds.
   *
   * @param sent messages sent (first sends)
   * @param sentInWindow of which intended within the measured window
   * @param resends frames sent again with the same id (rate limit, ack timeout)
   * @param acked messages acked
   * @param ackedInWindow of which intended within the measured window
   * @param repeatedAcks acks of already acked messages (answers to resends)
   * @param ackMismatches acks whose conversation or seq disagreed with an earlier ack or the send
   * @param unknownAcks acks of ids this run never sent
   * @param failed messages given up (a refusal that is not retried, or no ack by the end)
   * @param errors error frames and local failures by code, retried ones included
   * @param delivered first copies of pushes of this run's messages to members other than the sender
   * @param deliveredInWindow of which for messages intended within the measured window
   * @param deliveredOfUnacked of which for messages that were never acked
   * @param expectedDeliveries pushes owed for acked messages (members other than the sender)
   * @param lostNotPushed acked, in the history, never pushed to a member's device
   * @param missingFromHistory acked, but not in the history: a stored message lost
   * @param lostUnverified acked, never pushed, not checked against the history
   * @param repeats pushes of a (conversation, seq) the device already had
   * @param duplicates repeats that cannot be redeliveries (before the device's recv covered them,
   *     sooner than the redelivery interval after the first copy)
   * @param outOfOrder first copies with a seq lower than one already pushed to that device
   * @param unfilledGaps seqs below a device's highest pushed seq that it never had
   * @param ackGaps seqs below a conversation's highest acked seq that no ack named
   * @param ackSeqConflicts two messages acked with one seq in one conversation
   * @param selfPushes pushes of a user's own messages to its sending device (PROTOCOL.md: not
   *     expected, the sender has the ack)
   * @param baselinePushes pushes of seqs from before the run (ignored)
   * @param foreignPushes pushes of messages this run did not send, or of unknown conversations
   * @param nonMemberPushes pushes to a user who is not a member of the conversation
   */
  public record Report(
      long sent,
      long sentInWindow,
      long resends,
      long acked,
      long ackedInWindow,
      long repeatedAcks,
      long ackMismatches,
      long unknownAcks,
      long failed,
      Map<String, Long> errors,
      long delivered,
      long deliveredInWindow,
      long deliveredOfUnacked,
      long expectedDeliveries,
      long lostNotPushed,
      long missingFromHistory,
      long lostUnverified,
      long repeats,
      long duplicates,
      long outOfOrder,
      long unfilledGaps,
      long ackGaps,
      long ackSeqConflicts,
      long selfPushes,
      long baselinePushes,
      long foreignPushes,
      long nonMemberPushes,
      Histogram endToEndMicros,
      Histogram ackLatencyMicros) {

    /** Pushes repeated that may be legitimate redeliveries. */
    public long redeliveries() {
      return repeats - duplicates;
    }

    /** Acked messages that some member did not get (whatever the history says). */
    public long lost() {
      return lostNotPushed + missingFromHistory + lostUnverified;
    }

    /** Why the run broke a promise; empty when it kept them all. */
    public List<String> violations() {
      List<String> violations = new ArrayList<>();
      if (lost() > 0) {
        violations.add(
            lost()
                + " pushes lost ("
                + missingFromHistory
                + " missing from history, "
                + lostNotPushed
                + " stored but not pushed, "
                + lostUnverified
                + " unverified)");
      }
      if (duplicates > 0) {
        violations.add(duplicates + " duplicate pushes (not redeliveries)");
      }
      if (outOfOrder > 0) {
        violations.add(outOfOrder + " pushes out of order");
      }
      if (unfilledGaps > 0) {
        violations.add(unfilledGaps + " seqs never filled in a device's sequence");
      }
      if (ackSeqConflicts > 0 || ackMismatches > 0) {
        violations.add(
            ackSeqConflicts + " seqs acked for two messages, " + ackMismatches + " acks changed");
      }
      if (ackGaps > 0) {
        violations.add(ackGaps + " seqs missing between acks");
      }
      if (nonMemberPushes > 0) {
        violations.add(nonMemberPushes + " pushes to non-members");
      }
      return violations;
    }
  }

  private View view(String user, String conversationId) {
    Map<String, View> byConversation = views.get(user);
    return byConversation == null ? null : byConversation.get(conversationId);
  }

  private boolean inWindow(long nanos) {
    return nanos >= windowStart && nanos < windowEnd;
  }

  private static long micros(long nanos) {
    return Math.min(MAX_LATENCY_MICROS, Math.max(0, nanos / 1000));
  }

  private enum State {
    PENDING,
    ACKED,
    FAILED
  }

  private static final class Sent {
    final String conversationId;
    final String senderId;
    final long intendedNanos;
    State state = State.PENDING;
    long seq;
    int pushesBeforeAck;

    Sent(String conversationId, String senderId, long intendedNanos) {
      this.conversationId = conversationId;
      this.senderId = senderId;
      this.intendedNanos = intendedNanos;
    }
  }

  private static final class Conversation {
    final String id;
    final List<String> members;
    final long baseline;
    final TreeMap<Long, String> ackedSeqs = new TreeMap<>();
    long ackSeqConflicts;

    Conversation(String id, List<String> members, long baseline) {
      this.id = id;
      this.members = members;
      this.baseline = baseline;
    }
  }

  /** One device's view of one conversation. */
  private static final class View {
    final long baseline;
    final BitSet pushed = new BitSet();
    final BitSet have = new BitSet();
    long maxPushed;
    long contiguous;
    long recvSentUpTo;

    /** First-arrival times of pushed seqs not yet covered by a recv. */
    final TreeMap<Long, Long> unrecved = new TreeMap<>();

    View(long baseline) {
      this.baseline = baseline;
      this.maxPushed = baseline;
      this.contiguous = baseline;
      this.recvSentUpTo = baseline;
    }

    void have(long seq) {
      have.set(Math.toIntExact(seq));
      while (have.get(Math.toIntExact(contiguous + 1))) {
        contiguous++;
      }
    }
  }
}
