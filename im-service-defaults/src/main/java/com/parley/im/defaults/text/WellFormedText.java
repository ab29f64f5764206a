package com.parley.im.defaults.text;

import java.nio.ByteBuffer;

/**
 * Whether JSON text as sent (its UTF-8 bytes) carries only well-formed Unicode (ADR 0009): the
 * bytes are strict UTF-8 (no overlong forms, no encoded surrogates, nothing above U+10FFFF), and
 * every {@code \\uXXXX} escape of a surrogate is a high one immediately followed by the escape of a
 * low one. A lone surrogate cannot be stored or sent on as UTF-8: Java's encoders would turn it
 * into {@code ?} (two different ids {@code "s\ud800"} and {@code "s\udfff"} became the same {@code
 * "s?"}), so such text is refused with {@code validation_failed} instead of being changed.
 *
 * <p>A scanner over a stream of bytes, fed in pieces ({@link #feed}), then {@link #finish}ed; one
 * instance per text, not thread-safe. It does not check JSON syntax (the parser does): escapes are
 * recognised wherever a backslash is, which inside strings is exactly where JSON has them.
 */
public final class WellFormedText {

  private int continuationBytes; // still expected in the current UTF-8 sequence
  private int secondLow = 0x80; // bounds of the next continuation byte (strict second bytes)
  private int secondHigh = 0xBF;
  private int escape; // 0 none, 1 after a backslash, 2..5 reading hex digit 1..4
  private int escaped; // the code unit of the \\u escape being read
  private boolean lowExpected; // an escaped high surrogate waits for its low half
  private boolean malformed;

  /** True when the whole text is well-formed. */
  public static boolean check(byte[] text) {
    WellFormedText scanner = new WellFormedText();
    return scanner.feed(text, 0, text.length) && scanner.finish();
  }

  /** True when the bytes from the buffer's position to its limit are well-formed (not consumed). */
  public static boolean check(ByteBuffer text) {
    WellFormedText scanner = new WellFormedText();
    ByteBuffer view = text.duplicate();
    while (view.hasRemaining()) {
      if (!scanner.feed(view.get())) {
        return false;
      }
    }
    return scanner.finish();
  }

  /** True when {@code text} (a Java string) has no unpaired surrogate. */
  public static boolean check(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Feeds bytes; false as soon as the text is known to be malformed. */
  public boolean feed(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (!feed(bytes[i])) {
        return false;
      }
    }
    return true;
  }

  /** Feeds one byte; false as soon as the text is known to be malformed. */
  public boolean feed(byte value) {
    if (malformed) {
      return false;
    }
    int b = value & 0xFF;
    if (continuationBytes > 0) {
      if (b < secondLow || b > secondHigh) {
        return fail();
      }
      secondLow = 0x80;
      secondHigh = 0xBF;
      continuationBytes--;
      // A multi-byte character is never part of an escape; it ends a pending high surrogate.
      return continuationBytes > 0 || !lowExpected || fail();
    }
    if (b >= 0x80) {
      return lead(b) && (!lowExpected || fail());
    }
    return ascii(b);
  }

  /** True when nothing is left half-way (a UTF-8 sequence, an escape, a high surrogate). */
  public boolean finish() {
    return !malformed && continuationBytes == 0 && !lowExpected && escape < 2;
  }

  private boolean lead(int b) {
    if (b >= 0xC2 && b <= 0xDF) {
      continuationBytes = 1;
    } else if (b == 0xE0) {
      continuationBytes = 2;
      secondLow = 0xA0; // no overlong three-byte forms
    } else if (b == 0xED) {
      continuationBytes = 2;
      secondHigh = 0x9F; // no encoded surrogates (CESU-8)
    } else if (b >= 0xE1 && b <= 0xEF) {
      continuationBytes = 2;
    } else if (b == 0xF0) {
      continuationBytes = 3;
      secondLow = 0x90; // no overlong four-byte forms
    } else if (b >= 0xF1 && b <= 0xF3) {
      continuationBytes = 3;
    } else if (b == 0xF4) {
      continuationBytes = 3;
      secondHigh = 0x8F; // nothing above U+10FFFF
    } else {
      return fail(); // a stray continuation byte, C0/C1 (overlong), F5-FF
    }
    escape = 0;
    return true;
  }

  private boolean ascii(int b) {
    switch (escape) {
      case 0 -> {
        if (b == '\\') {
          escape = 1;
        } else if (lowExpected) {
          return fail();
        }
      }
      case 1 -> {
        if (b == 'u') {
          escape = 2;
          escaped = 0;
        } else {
          escape = 0;
          if (lowExpected) {
            return fail();
          }
        }
      }
      default -> {
        int digit = Character.digit(b, 16);
        if (digit < 0) {
          escape = 0; // not JSON: the parser refuses it
          return !lowExpected || fail();
        }
        escaped = escaped << 4 | digit;
        if (++escape == 6) {
          escape = 0;
          return unit((char) escaped);
        }
      }
    }
    return true;
  }

  private boolean unit(char c) {
    if (lowExpected) {
      lowExpected = false;
      return Character.isLowSurrogate(c) || fail();
    }
    if (Character.isHighSurrogate(c)) {
      lowExpected = true;
      return true;
    }
    return !Character.isLowSurrogate(c) || fail();
  }

  private boolean fail() {
    malformed = true;
    return false;
  }
}
