package com.parley.im.message.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys that encrypt message bodies at rest (ADR 0006 §6), with AES-GCM: a fresh 12-byte
 * nonce per message, a 128-bit tag, and the message id as associated data (a body copied onto
 * another row does not decrypt). The ring is read from lines {@code id=base64key}; the last line is
 * the key that encrypts, every key decrypts the rows that name it, so keys rotate by appending a
 * line.
 */
public final class MessageKeyRing {

  /** A body as stored: the key's id, the nonce and the ciphertext with its tag. */
  public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {}

  /** A row names a key that is not in the ring, or its body fails authentication. */
  public static final class UnreadableBodyException extends RuntimeException {
    UnreadableBodyException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final Map<String, SecretKey> keys;
  private final String activeKeyId;
  private final SecureRandom random;

  private MessageKeyRing(Map<String, SecretKey> keys, String activeKeyId, SecureRandom random) {
    this.keys = Map.copyOf(keys);
    this.activeKeyId = activeKeyId;
    this.random = random;
  }

  /**
   * Parses a ring: one {@code id=base64key} per line (32-byte keys); blank lines and lines starting
   * with {@code #} are skipped. The last key encrypts.
   */
  public static MessageKeyRing parse(List<String> lines, SecureRandom random) {
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    String last = null;
    int number = 0;
    for (String raw : lines) {
      number++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("Key ring line " + number + " is not id=base64key");
      }
      String id = line.substring(0, eq).strip();
      byte[] key;
      try {
        key = Base64.getDecoder().decode(line.substring(eq + 1).strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Key ring line " + number + " is not base64", e);
      }
      if (key.length != 32) {
        throw new IllegalArgumentException(
            "Key ring line " + number + ": a key must be 32 bytes (AES-256), not " + key.length);
      }
      if (keys.put(id, new SecretKeySpec(key, "AES")) != null) {
        throw new IllegalArgumentException("Key ring line " + number + ": duplicate id " + id);
      }
      last = id;
    }
    if (last == null) {
      throw new IllegalArgumentException("The key ring has no key");
    }
    return new MessageKeyRing(keys, last, random);
  }

  /** A ring of one new random key (tests and development without a configured ring). */
  public static MessageKeyRing ephemeral(SecureRandom random) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    byte[] id = new byte[6];
    random.nextBytes(id);
    String keyId = "ephemeral-" + Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    return new MessageKeyRing(Map.of(keyId, new SecretKeySpec(key, "AES")), keyId, random);
  }

  /** The id of the key that encrypts. */
  public String activeKeyId() {
    return activeKeyId;
  }

  /** Encrypts {@code plaintext} with the active key, bound to {@code messageId}. */
  public Sealed seal(String messageId, byte[] plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(messageId.getBytes(StandardCharsets.UTF_8));
      return new Sealed(activeKeyId, nonce, cipher.doFinal(plaintext));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Decrypts a stored body; errors when the key is unknown or the body was tampered with. */
  public byte[] open(String messageId, String keyId, byte[] nonce, byte[] ciphertext) {
    SecretKey key = keys.get(keyId);
    if (key == null) {
      throw new UnreadableBodyException(
          "Message " + messageId + " is encrypted with key " + keyId + ", not in the ring", null);
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(messageId.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(ciphertext);
    } catch (AEADBadTagException e) {
      throw new UnreadableBodyException("Message " + messageId + " fails authentication", e);
    } catch (GeneralSecurityException e) {
      throw new UnreadableBodyException("Message " + messageId + " cannot be decrypted", e);
    }
  }

  static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
