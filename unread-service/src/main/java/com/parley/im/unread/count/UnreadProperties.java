package com.parley.im.unread.count;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of unread-service ({@code im.unread.*}).
 *
 * @param pushWindow how long changed counts are gathered before they are pushed: a user's changes
 *     of one window leave as one {@code unread} frame per conversation with the counts at its end
 * @param pushMaxChanges a window closes early once this many changes are waiting
 */
@ConfigurationProperties("im.unread")
public record UnreadProperties(
    @DefaultValue("75ms") Duration pushWindow, @DefaultValue("20000") int pushMaxChanges) {}
