package com.parley.im.message.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.parley.im.defaults.ApiException;
import com.parley.im.message.send.SendProperties.SensitiveWords.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class MessageValidatorTests {

  private final JsonMapper json = JsonMapper.builder().build();

  private MessageValidator validator(Mode mode, String... words) {
    return new MessageValidator(new SensitiveWordFilter(mode, List.of(words)), json);
  }

  private static SendCommand send(String kind, Object body) {
    return new SendCommand("u1", "phone", "c1", "conv", kind, body);
  }

  @Test
  void masksTextLocationLabelsAndFileNames() {
    MessageValidator validator = validator(Mode.MASK, "heck");
    assertThat(validator.validate(send("text", Map.of("text", "what the Heck"))).body())
        .containsEntry("text", "what the ****");
    assertThat(
            validator
                .validate(send("location", Map.of("lat", 1, "lng", 2, "label", "heck street")))
                .body())
        .containsEntry("label", "**** street");
    MessageValidator.Valid file =
        validator.validate(send("file", Map.of("mediaId", "m9", "name", "HECK.pdf", "size", 12)));
    assertThat(file.body()).containsEntry("name", "****.pdf").containsEntry("size", 12L);
    assertThat(file.mediaId()).isEqualTo("m9");
  }

  @Test
  void rejectModeRefusesWithContentRejected() {
    MessageValidator validator = validator(Mode.REJECT, "heck");
    assertThatThrownBy(() -> validator.validate(send("text", Map.of("text", "heck"))))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("content_rejected"));
  }

  @Test
  void mediaKindsNameTheirMediaAndKeepOnlyTheirFields() {
    MessageValidator validator = validator(Mode.OFF);
    MessageValidator.Valid video =
        validator.validate(
            send("video", Map.of("mediaId", "v1", "durationMs", 1500.0, "width", 640, "x", 1)));
    assertThat(video.mediaId()).isEqualTo("v1");
    assertThat(video.body())
        .containsOnlyKeys("mediaId", "durationMs", "width")
        .containsEntry("durationMs", 1500L);
    assertThat(validator.validate(send("text", Map.of("text", "hi"))).mediaId()).isNull();
  }

  @Test
  void refusesServerKindsAndMissingIdentity() {
    MessageValidator validator = validator(Mode.OFF);
    for (SendCommand bad :
        List.of(
            send("system", Map.of()),
            send("recall", Map.of()),
            new SendCommand(null, "phone", "c", "conv", "text", Map.of("text", "x")),
            new SendCommand("u", "", "c", "conv", "text", Map.of("text", "x")),
            new SendCommand("u", "phone", "c", " ", "text", Map.of("text", "x")))) {
      assertThatThrownBy(() -> validator.validate(bad))
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.code()).isEqualTo("validation_failed"));
    }
  }

  @Test
  void countsCharactersNotUtf16Units() {
    MessageValidator validator = validator(Mode.OFF);
    String emojis = "😀".repeat(4000);
    assertThat(validator.validate(send("text", Map.of("text", emojis))).body())
        .containsEntry("text", emojis);
  }
}
