package com.parley.im.message.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.parley.im.defaults.ApiException;
import com.parley.im.message.send.SendProperties.SensitiveWords.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SensitiveWordFilterTests {

  @Test
  void masksEveryOccurrenceCaseInsensitivelyKeepingTheLength() {
    SensitiveWordFilter filter = new SensitiveWordFilter(Mode.MASK, List.of("darn", "Heck"));
    assertThat(filter.apply("Darn it, what the HECK, darn"))
        .isEqualTo("**** it, what the ****, ****");
    assertThat(filter.apply("clean")).isEqualTo("clean");
    assertThat(filter.apply(null)).isNull();
  }

  @Test
  void masksTheLongestWordWhole() {
    SensitiveWordFilter filter = new SensitiveWordFilter(Mode.MASK, List.of("ab", "abcd"));
    assertThat(filter.apply("xabcdx")).isEqualTo("x****x");
  }

  @Test
  void masksNonAsciiWordsByCharacter() {
    SensitiveWordFilter filter = new SensitiveWordFilter(Mode.MASK, List.of("坏话", "ÄRGER"));
    assertThat(filter.apply("不要说坏话 ärger")).isEqualTo("不要说** *****");
  }

  @Test
  void rejectRefusesWithContentRejected() {
    SensitiveWordFilter filter = new SensitiveWordFilter(Mode.REJECT, List.of("spam"));
    assertThat(filter.apply("fine")).isEqualTo("fine");
    assertThatThrownBy(() -> filter.apply("buy SPAM now"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("content_rejected"));
  }

  @Test
  void offOrNoWordsLetsEverythingThrough() {
    assertThat(new SensitiveWordFilter(Mode.OFF, List.of("spam")).apply("spam")).isEqualTo("spam");
    assertThat(new SensitiveWordFilter(Mode.REJECT, List.of()).apply("spam")).isEqualTo("spam");
    assertThat(new SensitiveWordFilter(Mode.MASK, List.of(" ", "a.b")).apply("a.b axb"))
        .isEqualTo("*** axb");
  }
}
