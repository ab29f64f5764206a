package com.parley.im.defaults;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * Ids and secrets from one DRBG that is seeded once, at start-up, on the main thread. {@code
 * UUID.randomUUID()} and a default {@code SecureRandom} may read {@code /dev/urandom}, which is a
 * blocking call that must not happen on an event loop. Every service gets one bean of it from
 * {@link ServiceDefaultsAutoConfiguration}.
 */
public class SecureIds {

  private final SecureRandom random;

  public SecureIds() {
    try {
      random = SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK has no DRBG", e);
    }
    random.nextBytes(new byte[16]); // seeds it now
  }

  /** A random (version 4) UUID. */
  public UUID uuid() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
    bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new UUID(buffer.getLong(), buffer.getLong());
  }

  /** A new event id. */
  public String eventId() {
    return uuid().toString();
  }

  /** {@code bytes} random bytes, base64url without padding. */
  public String token(int bytes) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
  }

  /** The seeded generator, for signers that need one. */
  public SecureRandom random() {
    return random;
  }
}
