package com.parley.im.message.send;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code im.message.*} keys of sending.
 *
 * @param mediaUri media-service, asked whether a {@code mediaId} names the sender's upload
 * @param mediaTimeout how long that question may take before the send is refused with {@code
 *     service_unavailable}
 * @param sendRate per-user token bucket
 * @param sensitiveWords the filter applied before storage
 * @param sendBatch the {@link SendBatcher}'s bounds
 * @param pushOnCommit whether a send batch pushes its messages once committed (ADR 0030); off, only
 *     the outbox relay pushes them (a crash test turns it off together with the relay)
 */
@ConfigurationProperties("im.message")
public record SendProperties(
    @DefaultValue("http://127.0.0.1:8086") String mediaUri,
    @DefaultValue("2s") Duration mediaTimeout,
    @DefaultValue SendRate sendRate,
    @DefaultValue SensitiveWords sensitiveWords,
    @DefaultValue SendBatch sendBatch,
    @DefaultValue("true") boolean pushOnCommit) {

  /** Sends per second per user, and the burst the bucket holds. */
  public record SendRate(@DefaultValue("30") double perSecond, @DefaultValue("100") int burst) {}

  /**
   * The word filter: {@code mask}, {@code reject} or {@code off}; words match case-insensitively
   * anywhere in the text.
   */
  public record SensitiveWords(@DefaultValue("mask") Mode mode, @DefaultValue List<String> words) {

    /** What happens to a send that contains a word. */
    public enum Mode {
      MASK,
      REJECT,
      OFF
    }
  }

  /** Sends per transaction, and how many may wait before new ones are refused. */
  public record SendBatch(@DefaultValue("100") int maxSize, @DefaultValue("10000") int maxQueued) {}
}
