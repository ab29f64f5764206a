package com.parley.im.load.chat;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Prints a chat run's figures, with the machine they were measured on. */
final class ChatSummary {

  private final ChatOptions options;
  private final ChatPlan plan;
  private final DeliveryLedger.Report report;

  ChatSummary(ChatOptions options, ChatPlan plan, DeliveryLedger.Report report) {
    this.options = options;
    this.plan = plan;
    this.report = report;
  }

  void print(
      PrintStream out,
      double sendingSeconds,
      double settleSeconds,
      double toolCpuSeconds,
      double loadAverage,
      Map<String, ?> framesByType,
      Map<String, ?> closeReasons) {
    DeliveryLedger.Report r = report;
    double window = options.duration().toNanos() / 1e9;
    out.println();
    out.println("=== load-tool chat: " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " ===");
    out.printf("machine   %s%n", machine());
    out.printf(
        "          load-tool CPU while sending %.1f s in %.1f s (%.0f%% of one core); load average"
            + " at the end of sending %.2f%n",
        toolCpuSeconds,
        sendingSeconds,
        100 * toolCpuSeconds / Math.max(0.001, sendingSeconds),
        loadAverage);
    out.printf(
        "run       %d users, %d direct conversations, %d groups of %d; %s; warm-up %.1f s,"
            + " measured %.1f s (sending %.1f s, acks and pushes settled %.1f s later); gateway"
            + " %s%n",
        plan.users(),
        plan.pairs().size(),
        plan.groups().size(),
        options.groupSize(),
        options.closedLoop()
            ? "closed loop, " + options.inFlight() + " in flight per user"
            : String.format("open loop %.0f msg/s", options.rate()),
        options.warmup().toMillis() / 1000.0,
        window,
        sendingSeconds,
        settleSeconds,
        options.baseUrl());
    out.println();
    out.printf(
        "sent        %d (%d in the measured window), resent frames %d%n",
        r.sent(), r.sentInWindow(), r.resends());
    out.printf(
        "acked       %d (%d in the window), repeated acks %d, unknown %d, changed %d%n",
        r.acked(), r.ackedInWindow(), r.repeatedAcks(), r.unknownAcks(), r.ackMismatches());
    out.printf("failed      %d (refused for good, or no ack by the end)%n", r.failed());
    out.printf("errors      %s%n", r.errors().isEmpty() ? "none" : r.errors().toString());
    out.printf("rate_limited %d%n", r.errors().getOrDefault("rate_limited", 0L));
    out.printf(
        "delivered   %d of %d expected pushes (%d in the window; %d of unacked messages)%n",
        r.delivered(), r.expectedDeliveries(), r.deliveredInWindow(), r.deliveredOfUnacked());
    out.printf(
        "lost        %d (stored but never pushed %d, MISSING FROM HISTORY %d, unverified %d)%n",
        r.lost(), r.lostNotPushed(), r.missingFromHistory(), r.lostUnverified());
    out.printf(
        "duplicated  %d (raw repeated pushes %d, of which redeliveries %d)%n",
        r.duplicates(), r.repeats(), r.redeliveries());
    out.printf("disorder    out of order %d, unfilled gaps %d%n", r.outOfOrder(), r.unfilledGaps());
    out.printf(
        "acks        seq gaps %d, one seq for two messages %d%n", r.ackGaps(), r.ackSeqConflicts());
    out.printf(
        "other       own messages pushed back %d, pre-run pushes %d, foreign %d, to non-members"
            + " %d%n",
        r.selfPushes(), r.baselinePushes(), r.foreignPushes(), r.nonMemberPushes());
    out.printf(
        "throughput  %.1f acked/s, %.1f delivered/s (messages intended in the %.1f s window)%n",
        r.ackedInWindow() / window, r.deliveredInWindow() / window, window);
    out.println();
    out.println("latency (ms)       count      p50      p90      p99    p99.9      max");
    latency(out, "end-to-end", r.endToEndMicros());
    latency(out, "ack", r.ackLatencyMicros());
    out.println();
    out.printf("frames in   %s%n", framesByType);
    if (!closeReasons.isEmpty()) {
      out.printf("closed sockets %s%n", closeReasons);
    }
    // One line in the reference harness's shape (load-tool/compare.sh reads both).
    out.printf(
        "RESULT chat tput=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f lost=%d dup=%d ooo=%d%n",
        r.deliveredInWindow() / window,
        r.endToEndMicros().getValueAtPercentile(50) / 1000.0,
        r.endToEndMicros().getValueAtPercentile(99) / 1000.0,
        r.endToEndMicros().getMaxValue() / 1000.0,
        r.lost(),
        r.duplicates(),
        r.outOfOrder() + r.unfilledGaps());
  }

  private static void latency(PrintStream out, String name, Histogram h) {
    out.printf(
        "%-12s %11d %8.2f %8.2f %8.2f %8.2f %8.2f%n",
        name,
        h.getTotalCount(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(90) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0);
  }

  /** CPU time of this JVM so far, in nanoseconds (-1 if unknown). */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** The system's load average over the last minute (-1 if unknown). */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** Cores, CPU model, JVM and operating system of this machine. */
  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // keep unknown
    }
    return String.format(
        "%d cores (%s), %s %s, max heap %d MiB, %s %s",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        Runtime.getRuntime().maxMemory() / 1048576,
        System.getProperty("os.name"),
        System.getProperty("os.version"));
  }
}
