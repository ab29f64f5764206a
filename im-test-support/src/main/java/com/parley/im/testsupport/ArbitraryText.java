package com.parley.im.testsupport;

import java.util.Random;
import java.util.function.Consumer;

/**
 * Arbitrary Unicode for property tests (ADR 0009): strings of any chars, lone and paired surrogates
 * included (biased towards them and towards JSON's special characters), from a seeded random so
 * that a failure names the seed that reproduces it ({@code -Dim.text.seed=...}).
 */
public final class ArbitraryText {

  private static final char[] SPECIAL = {
    '"', '\\', 'u', 'd', '8', '0', 'A', '/', '\n', '\u0000', '\u00e9', '\u4e2d', '\uFFFD', '?'
  };

  private ArbitraryText() {}

  /** Runs {@code property} {@code tries} times with a fresh random; rethrows with the seed. */
  public static void forAll(int tries, Consumer<Random> property) {
    long seed = Long.getLong("im.text.seed", System.nanoTime());
    Random random = new Random(seed);
    for (int i = 0; i < tries; i++) {
      try {
        property.accept(random);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("Property failed on try " + i + " with -Dim.text.seed=" + seed, e);
      }
    }
  }

  /** A string of 0 to {@code maxLength} arbitrary chars. */
  public static String string(Random random, int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(
          switch (random.nextInt(5)) {
            case 0 -> (char) (0xD800 + random.nextInt(0x800)); // a surrogate, high or low
            case 1 -> SPECIAL[random.nextInt(SPECIAL.length)];
            case 2 -> (char) (0x20 + random.nextInt(0x5F)); // printable ASCII
            case 3 -> Character.toChars(0x10000 + random.nextInt(0x100000))[0]; // a high half
            default -> (char) random.nextInt(0x10000); // anything
          });
      if (random.nextInt(8) == 0) {
        // Now and then a whole supplementary character (a correct pair).
        text.append(Character.toChars(0x1F600 + random.nextInt(0x50)));
      }
    }
    return text.toString();
  }

  /**
   * {@code text} without its lone surrogates: what {@link #string} would be if it drew only
   * well-formed UTF-16 (for the tries of a property that must reach the accepting branch, which a
   * long arbitrary string rarely does).
   */
  public static String withoutLoneSurrogates(String text) {
    StringBuilder kept = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        kept.append(c).append(text.charAt(++i));
      } else if (!Character.isSurrogate(c)) {
        kept.append(c);
      }
    }
    return kept.toString();
  }

  /** {@code length} arbitrary bytes. */
  public static byte[] bytes(Random random, int maxLength) {
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(bytes);
    return bytes;
  }

  /**
   * {@code text} as a JSON string literal: surrogates always as {@code \\uXXXX} escapes (UTF-8
   * cannot carry a lone one), control characters escaped, the rest as is (or, when {@code
   * escapeNonAscii}, escaped too). Encoded as UTF-8 this is exactly the client's text.
   */
  public static String jsonLiteral(String text, boolean escapeNonAscii) {
    StringBuilder json = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c) || (escapeNonAscii && c > 0x7E)) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"').toString();
  }
}
