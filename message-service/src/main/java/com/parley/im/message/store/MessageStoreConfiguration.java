package com.parley.im.message.store;

import com.parley.im.defaults.SecureIds;
import com.parley.im.defaults.outbox.EnableOutbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The key ring (read once at start-up) and the outbox the store appends to. */
@Configuration(proxyBeanMethods = false)
@EnableOutbox
@EnableConfigurationProperties(MessageStoreProperties.class)
class MessageStoreConfiguration {

  private static final Logger log = LoggerFactory.getLogger(MessageStoreConfiguration.class);

  @Bean
  MessageKeyRing messageKeyRing(MessageStoreProperties properties, SecureIds ids) {
    String file = properties.keysFile();
    if (file == null || file.isBlank()) {
      log.warn(
          "im.message.keys-file (IM_MESSAGE_KEYS_FILE) is not set: message bodies are encrypted"
              + " with an ephemeral key and are unreadable after a restart. Set it in every"
              + " deployment.");
      return MessageKeyRing.ephemeral(ids.random());
    }
    try {
      MessageKeyRing ring =
          MessageKeyRing.parse(
              Files.readAllLines(Path.of(file), StandardCharsets.UTF_8), ids.random());
      log.info("Message key ring {}: new bodies use key {}", file, ring.activeKeyId());
      return ring;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the message key ring " + file, e);
    }
  }
}
