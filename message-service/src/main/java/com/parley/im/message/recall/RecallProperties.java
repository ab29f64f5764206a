package com.parley.im.message.recall;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code im.message.recall-window}: how long after sending the sender may recall. */
@ConfigurationProperties("im.message")
record RecallProperties(@DefaultValue("2m") Duration recallWindow) {}
