package com.parley.im.defaults.serviceauth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret every service shares to mint and check service tokens (HMAC-SHA256, ADR 0007): read
 * once at start-up from {@code im.service-auth.key-file} (or the inline {@code key}), never per
 * request. Without either, an ephemeral key with a warning: the service then accepts no other
 * service's token (safe, but only for a service that nobody calls, or for tests).
 */
public final class ServiceKey {

  private static final Logger log = LoggerFactory.getLogger(ServiceKey.class);

  /** HS256 wants at least 256 bits. */
  static final int MIN_BYTES = 32;

  private final byte[] secret;

  ServiceKey(byte[] secret) {
    if (secret.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "The service key must have at least " + MIN_BYTES + " bytes, it has " + secret.length);
    }
    this.secret = secret.clone();
  }

  /** The key the settings name, or an ephemeral one (with a warning) when they name none. */
  public static ServiceKey from(ServiceAuthProperties properties) {
    if (properties.keyFile() != null && !properties.keyFile().isBlank()) {
      try {
        String text = Files.readString(Path.of(properties.keyFile()), StandardCharsets.US_ASCII);
        return new ServiceKey(decode(text, "im.service-auth.key-file " + properties.keyFile()));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read the service key file " + properties.keyFile(), e);
      }
    }
    if (properties.key() != null && !properties.key().isBlank()) {
      return new ServiceKey(decode(properties.key(), "im.service-auth.key"));
    }
    log.warn(
        "No service key configured (IM_SERVICE_KEY_FILE): using an ephemeral one. No other service"
            + " can call this one's /internal endpoints, nor this one theirs (development only).");
    byte[] random = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(random);
    return new ServiceKey(random);
  }

  private static byte[] decode(String base64, String where) {
    try {
      return Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " is not base64", e);
    }
  }

  byte[] secret() {
    return secret.clone();
  }
}
