package com.parley.im.message.send;

import com.parley.im.message.send.SendProperties.SensitiveWords.Mode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The configured sensitive-word filter ({@code im.message.sensitive-words}): words match
 * case-insensitively anywhere; {@code mask} replaces each by as many asterisks as it has
 * characters, {@code reject} refuses the send with {@code content_rejected}, {@code off} (or no
 * words) lets everything through.
 */
@Component
class SensitiveWordFilter {

  private final Mode mode;
  private final Pattern pattern;

  @Autowired
  SensitiveWordFilter(SendProperties properties) {
    this(properties.sensitiveWords().mode(), properties.sensitiveWords().words());
  }

  SensitiveWordFilter(Mode mode, List<String> words) {
    List<String> usable =
        words == null ? List.of() : words.stream().filter(w -> w != null && !w.isBlank()).toList();
    this.mode = usable.isEmpty() ? Mode.OFF : mode;
    this.pattern =
        usable.isEmpty()
            ? null
            : Pattern.compile(
                usable.stream()
                    // Longest first, so "abcd" is masked whole rather than as "abc" + "d".
                    .sorted((a, b) -> b.length() - a.length())
                    .map(Pattern::quote)
                    .collect(Collectors.joining("|")),
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  /** The text to store: masked, unchanged, or an error for {@code reject}. */
  String apply(String text) {
    if (mode == Mode.OFF || text == null) {
      return text;
    }
    Matcher matcher = pattern.matcher(text);
    if (!matcher.find()) {
      return text;
    }
    if (mode == Mode.REJECT) {
      throw SendErrors.contentRejected();
    }
    StringBuilder masked = new StringBuilder(text.length());
    do {
      matcher.appendReplacement(
          masked, "*".repeat(matcher.group().codePointCount(0, matcher.group().length())));
    } while (matcher.find());
    matcher.appendTail(masked);
    return masked.toString();
  }
}
