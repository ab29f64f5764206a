package com.parley.im.relation;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Random (version 4) UUIDs from one DRBG seeded at start-up on the main thread: {@code
 * UUID.randomUUID()} may read {@code /dev/urandom}, a blocking call that must not happen on an
 * event loop.
 */
@Component
public class RandomIds {

  private final SecureRandom random;

  public RandomIds() {
    try {
      random = SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK has no DRBG", e);
    }
    random.nextBytes(new byte[16]); // seeds it now
  }

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
}
