package com.parley.im.user.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.events.Destinations;
import com.parley.im.testsupport.EventTap;
import com.parley.im.user.IntegrationTestBase;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogoutIntegrationTests extends IntegrationTestBase {

  @Test
  void endsTheSessionSoRefreshAndTheAccessTokenStopWorking() {
    EventTap revoked = tap(Destinations.DEVICE_SESSION_REVOKED);
    User user = register("logout");
    Tokens phone = login(user.username(), "phone");
    Tokens laptop = login(user.username(), "laptop");

    http.post()
        .uri("/api/auth/logout")
        .headers(h -> h.setBearerAuth(phone.accessToken()))
        .exchange()
        .expectStatus()
        .isNoContent();

    expectProblem(refreshExchange(phone.refreshToken()), 401, "invalid_refresh_token");
    expectProblem(getMe(phone.accessToken()), 401, "unauthorized");
    getMe(laptop.accessToken()).expectStatus().isOk();

    Map<?, ?> event = revoked.next("sessionId", phone.claim("sid"));
    assertThat(event.get("reason")).isEqualTo("logout");
    assertThat(event.get("userId")).isEqualTo(user.id());
    assertThat(event.get("deviceId")).isEqualTo("phone");
    assertThat(event.get("eventId")).isNotNull();
    assertThat(event.get("occurredAt")).isNotNull();
  }

  @Test
  void needsABearerToken() {
    expectProblem(http.post().uri("/api/auth/logout").exchange(), 401, "unauthorized");
  }
}
