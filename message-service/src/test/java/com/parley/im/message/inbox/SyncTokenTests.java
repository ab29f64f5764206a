package com.parley.im.message.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.parley.im.defaults.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyncTokenTests {

  @Test
  void roundTripsAndIsUrlSafe() {
    SyncToken token = new SyncToken(123_456_789_012L);
    String text = token.encode();
    assertThat(text).matches("[A-Za-z0-9_-]+");
    assertThat(SyncToken.decode(text)).isEqualTo(token);
    assertThat(token.xid8()).isEqualTo("123456789012");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not base64!", "eDEuYWJj", "aGVsbG8"})
  void refusesWhatItDidNotIssue(String text) {
    ApiException e = catchThrowableOfType(ApiException.class, () -> SyncToken.decode(text));
    assertThat(e).isNotNull();
    assertThat(e.status().value()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("validation_failed");
  }

  @Test
  void refusesNegativeAndOverlongNumbers() {
    for (String inside :
        new String[] {"x1.-5", "x1.99999999999999999999999", "x1.18446744073709551615"}) {
      String text =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(inside.getBytes(StandardCharsets.UTF_8));
      assertThat(catchThrowableOfType(ApiException.class, () -> SyncToken.decode(text)))
          .as(inside)
          .isNotNull();
    }
  }
}
