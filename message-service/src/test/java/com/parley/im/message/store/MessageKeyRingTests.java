package com.parley.im.message.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageKeyRingTests {

  private final SecureRandom random = new SecureRandom();

  private String key() {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void roundTripWithAFreshNonceEachTime() {
    MessageKeyRing ring = MessageKeyRing.parse(List.of("k1=" + key()), random);
    MessageKeyRing.Sealed a = ring.seal("m1", utf8("{\"text\":\"hello\"}"));
    MessageKeyRing.Sealed b = ring.seal("m1", utf8("{\"text\":\"hello\"}"));

    assertThat(a.keyId()).isEqualTo("k1");
    assertThat(a.nonce()).hasSize(12).isNotEqualTo(b.nonce());
    assertThat(a.ciphertext()).isNotEqualTo(b.ciphertext());
    assertThat(new String(a.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("hello");
    assertThat(ring.open("m1", a.keyId(), a.nonce(), a.ciphertext()))
        .isEqualTo(utf8("{\"text\":\"hello\"}"));
  }

  @Test
  void tamperedCiphertextNonceOrMessageIdFailsAuthentication() {
    MessageKeyRing ring = MessageKeyRing.parse(List.of("k1=" + key()), random);
    MessageKeyRing.Sealed sealed = ring.seal("m1", utf8("secret"));

    byte[] flipped = sealed.ciphertext().clone();
    flipped[0] ^= 1;
    assertThatThrownBy(() -> ring.open("m1", "k1", sealed.nonce(), flipped))
        .isInstanceOf(MessageKeyRing.UnreadableBodyException.class);
    byte[] nonce = sealed.nonce().clone();
    nonce[3] ^= 1;
    assertThatThrownBy(() -> ring.open("m1", "k1", nonce, sealed.ciphertext()))
        .isInstanceOf(MessageKeyRing.UnreadableBodyException.class);
    // The body of one message copied onto another row does not open there.
    assertThatThrownBy(() -> ring.open("m2", "k1", sealed.nonce(), sealed.ciphertext()))
        .isInstanceOf(MessageKeyRing.UnreadableBodyException.class);
  }

  @Test
  void rotationKeepsOldRowsReadableAndEncryptsWithTheLastKey() {
    String k1 = key();
    MessageKeyRing before = MessageKeyRing.parse(List.of("k1=" + k1), random);
    MessageKeyRing.Sealed old = before.seal("m1", utf8("old"));

    MessageKeyRing after =
        MessageKeyRing.parse(List.of("# rotated", "k1=" + k1, "", "k2=" + key()), random);
    assertThat(after.activeKeyId()).isEqualTo("k2");
    assertThat(after.open("m1", old.keyId(), old.nonce(), old.ciphertext())).isEqualTo(utf8("old"));
    MessageKeyRing.Sealed fresh = after.seal("m2", utf8("new"));
    assertThat(fresh.keyId()).isEqualTo("k2");
    assertThatThrownBy(() -> before.open("m2", fresh.keyId(), fresh.nonce(), fresh.ciphertext()))
        .isInstanceOf(MessageKeyRing.UnreadableBodyException.class)
        .hasMessageContaining("not in the ring");
  }

  @Test
  void refusesMalformedRings() {
    assertThatThrownBy(() -> MessageKeyRing.parse(List.of(), random))
        .hasMessageContaining("no key");
    assertThatThrownBy(() -> MessageKeyRing.parse(List.of("k1=" + "AAAA"), random))
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> MessageKeyRing.parse(List.of("nokey"), random))
        .hasMessageContaining("id=base64key");
    String k = key();
    assertThatThrownBy(() -> MessageKeyRing.parse(List.of("k1=" + k, "k1=" + k), random))
        .hasMessageContaining("duplicate");
  }

  @Test
  void ephemeralRingEncryptsAndDecrypts() {
    MessageKeyRing ring = MessageKeyRing.ephemeral(random);
    MessageKeyRing.Sealed sealed = ring.seal("m", utf8("x"));
    assertThat(ring.open("m", sealed.keyId(), sealed.nonce(), sealed.ciphertext()))
        .isEqualTo(utf8("x"));
  }
}
