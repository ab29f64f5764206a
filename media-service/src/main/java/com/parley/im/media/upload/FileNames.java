package com.parley.im.media.upload;

/** The file name a client gave, made safe to store and to send back in a header. */
final class FileNames {

  static final int MAX_CODE_POINTS = 255;

  private FileNames() {}

  /**
   * The last path segment of {@code name}, without control characters, at most {@link
   * #MAX_CODE_POINTS} code points; null when nothing is left. Any other Unicode stays as given.
   */
  static String clean(String name) {
    if (name == null) {
      return null;
    }
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    String last = name.substring(slash + 1);
    StringBuilder out = new StringBuilder();
    last.codePoints()
        .filter(c -> !Character.isISOControl(c) && c != 0x2028 && c != 0x2029)
        .filter(c -> Character.getType(c) != Character.SURROGATE)
        .limit(MAX_CODE_POINTS)
        .forEach(out::appendCodePoint);
    String cleaned = out.toString().strip();
    return cleaned.isEmpty() || cleaned.equals(".") || cleaned.equals("..") ? null : cleaned;
  }
}
