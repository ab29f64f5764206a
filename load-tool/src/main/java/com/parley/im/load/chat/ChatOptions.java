package com.parley.im.load.chat;

import java.time.Duration;
import java.util.Map;

/** The {@code chat} command's options (see {@code load-tool/README.md}). */
public record ChatOptions(
    String baseUrl,
    int users,
    int groups,
    int groupSize,
    boolean pairs,
    boolean closedLoop,
    double rate,
    int inFlight,
    Duration warmup,
    Duration duration,
    Duration drain,
    Duration ackTimeout,
    Duration redeliveryInterval,
    Duration recvInterval,
    Duration setupTimeout,
    int verifyMax) {

  public static final String USAGE =
      """
      usage: java -jar load-tool/target/load-tool.jar chat [options]
        --base-url URL             gateway address (default http://localhost:8080)
        --users N                  users, one device and one WebSocket each (default 200)
        --duration D               measured sending time, after the warm-up (default 60s)
        --warmup D                 sending time before the measured window (default 10s)
        --rate R                   open loop: R sends per second in total, on a fixed schedule
                                   (default 500; latency counts from the scheduled time)
        --closed-loop              closed loop instead: each user keeps --in-flight sends unacked
        --in-flight K              unacked sends per user in the closed loop (default 1)
        --groups G                 groups to create (default 0)
        --group-size S             members per group, creator included (default 10)
        --no-pairs                 no direct conversations: users send into their groups only
        --drain D                  after the last ack, wait this long at most for pushes (default 5s)
        --ack-timeout D            resend (same id) a send without ack after this (default 10s)
        --redelivery-interval D    the server's redelivery interval (default 10s): a repeated push
                                   sooner than this and before the recv is a duplicate
        --recv-interval D          recv frames are coalesced per conversation this often (default 100ms)
        --setup-timeout D          wait this long at most for conversations to appear (default 60s)
        --verify-max N             suspected losses checked against the history (default 2000)
      durations: 60s, 500ms, 2m, or plain seconds.
      """;

  public static ChatOptions from(Map<String, String> o) {
    boolean closedLoop = o.containsKey("closed-loop");
    if (closedLoop && o.containsKey("rate")) {
      throw new IllegalArgumentException("--rate is for the open loop; drop --closed-loop or it");
    }
    return new ChatOptions(
        o.getOrDefault("base-url", o.getOrDefault("base", "http://localhost:8080")),
        Integer.parseInt(o.getOrDefault("users", "200")),
        Integer.parseInt(o.getOrDefault("groups", "0")),
        Integer.parseInt(o.getOrDefault("group-size", "10")),
        !o.containsKey("no-pairs"),
        closedLoop,
        Double.parseDouble(o.getOrDefault("rate", "500")),
        Integer.parseInt(o.getOrDefault("in-flight", "1")),
        duration(o.getOrDefault("warmup", "10s")),
        duration(o.getOrDefault("duration", "60s")),
        duration(o.getOrDefault("drain", "5s")),
        duration(o.getOrDefault("ack-timeout", "10s")),
        duration(o.getOrDefault("redelivery-interval", "10s")),
        duration(o.getOrDefault("recv-interval", "100ms")),
        duration(o.getOrDefault("setup-timeout", "60s")),
        Integer.parseInt(o.getOrDefault("verify-max", "2000")));
  }

  /** {@code 60s}, {@code 500ms}, {@code 2m}, {@code 1h}, or plain seconds. */
  public static Duration duration(String text) {
    String t = text.trim();
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    if (t.endsWith("s")) {
      return Duration.ofMillis(
          Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
    }
    if (t.endsWith("m")) {
      return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
    }
    if (t.endsWith("h")) {
      return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
  }
}
