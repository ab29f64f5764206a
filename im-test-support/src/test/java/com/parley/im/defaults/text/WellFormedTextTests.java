package com.parley.im.defaults.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.testsupport.ArbitraryText;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link WellFormedText} over arbitrary Unicode ({@link ArbitraryText}, ADR 0009): JSON text whose
 * strings carry only paired surrogates is accepted and parses back to exactly what was sent; a lone
 * surrogate, as an escape, anywhere, is refused; bytes are accepted exactly when they are strict
 * UTF-8.
 */
class WellFormedTextTests {

  private static final JsonMapper JSON = new JsonMapper();

  @Test
  void aJsonStringIsAcceptedExactlyWhenItsSurrogatesArePairedAndThenReadBackAsSent() {
    ArbitraryText.forAll(
        20_000,
        random -> {
          String text = ArbitraryText.string(random, 40);
          byte[] json = jsonString(text, random.nextBoolean());

          boolean accepted = WellFormedText.check(json);

          assertThat(accepted).as("accepted: %s", json).isEqualTo(WellFormedText.check(text));
          if (accepted) {
            assertThat(JSON.readValue(json, String.class)).isEqualTo(text);
          }
        });
  }

  @Test
  void twoDifferentAcceptedIdsNeverReadAsOne() {
    ArbitraryText.forAll(
        20_000,
        random -> {
          String one = ArbitraryText.string(random, 6);
          String other = random.nextInt(4) == 0 ? one : ArbitraryText.string(random, 6);
          byte[] a = jsonString(one, false);
          byte[] b = jsonString(other, true);
          if (WellFormedText.check(a) && WellFormedText.check(b)) {
            assertThat(JSON.readValue(a, String.class).equals(JSON.readValue(b, String.class)))
                .isEqualTo(one.equals(other));
          }
        });
  }

  @Test
  void bytesWithoutEscapesAreAcceptedExactlyWhenTheyAreStrictUtf8() {
    ArbitraryText.forAll(
        50_000,
        random -> {
          byte[] bytes =
              random.nextBoolean()
                  ? ArbitraryText.bytes(random, 12)
                  : ArbitraryText.string(random, 12).getBytes(StandardCharsets.UTF_8);
          for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\\') {
              bytes[i] = 'x';
            }
          }
          assertThat(WellFormedText.check(bytes)).isEqualTo(strictUtf8(bytes));
          assertThat(WellFormedText.check(ByteBuffer.wrap(bytes))).isEqualTo(strictUtf8(bytes));
        });
  }

  @Test
  void theFramesOfIssue8AreRefused() {
    assertThat(check("{\"id\":\"s\\ud800\",\"body\":{\"text\":\"A\\ud83dB\"}}")).isFalse();
    assertThat(check("{\"id\":\"s\\udfff\"}")).isFalse();
    assertThat(check("{\"\\ud800key\":1}")).isFalse();
    assertThat(check("{\"t\":\"\\ud83d\"}")).isFalse();
    assertThat(check("{\"t\":\"\\ud83d\\n\"}")).isFalse();
    assertThat(check("{\"t\":\"\\ud83d\\ud83d\"}")).isFalse();
    assertThat(check("{\"t\":\"\\ud83d\\ude00 \\\\ud800\"}")).as("an escaped backslash").isTrue();
    assertThat(check("{\"t\":\"\\uD83D\\uDE00\"}")).isTrue();
    assertThat(check("{\"t\":\"😀 é 中\"}")).isTrue();
  }

  @Test
  void encodedSurrogatesOverlongFormsAndStrayBytesAreRefused() {
    assertThat(WellFormedText.check(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isFalse();
    assertThat(WellFormedText.check(new byte[] {(byte) 0xC0, (byte) 0xAF})).isFalse();
    assertThat(WellFormedText.check(new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF})).isFalse();
    assertThat(
            WellFormedText.check(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}))
        .isFalse();
    assertThat(WellFormedText.check(new byte[] {(byte) 0x80})).isFalse();
    assertThat(WellFormedText.check(new byte[] {'a', (byte) 0xE4, (byte) 0xB8})).isFalse();
    assertThat(WellFormedText.check("中".getBytes(StandardCharsets.UTF_8))).isTrue();
  }

  @Test
  void percentEncodedUriPartsAreDecodedBeforeTheCheck() {
    assertThat(WellFormedTextFilter.wellFormedUri("q=%E4%B8%AD")).isTrue();
    assertThat(WellFormedTextFilter.wellFormedUri("q=%ED%A0%80")).isFalse();
    assertThat(WellFormedTextFilter.wellFormedUri("/api/users/%FF")).isFalse();
    assertThat(WellFormedTextFilter.wellFormedUri("q=100%")).isTrue();
    assertThat(WellFormedTextFilter.wellFormedUri(null)).isTrue();
  }

  private static boolean check(String asciiJson) {
    return WellFormedText.check(asciiJson.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] jsonString(String text, boolean escapeNonAscii) {
    return ArbitraryText.jsonLiteral(text, escapeNonAscii).getBytes(StandardCharsets.UTF_8);
  }

  private static boolean strictUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
