package com.parley.im.user.auth;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request and response records of the auth endpoints. */
final class AuthRecords {

  private AuthRecords() {}

  record LoginRequest(
      @NotBlank
          @Size(max = 64)
          @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
          String username,
      @NotNull @Size(min = 1, max = 1024) String password,
      @NotNull @Pattern(regexp = "[A-Za-z0-9_-]{1,64}", message = "must be 1-64 of [A-Za-z0-9_-]")
          String deviceId) {}

  record TokenResponse(
      String accessToken, String refreshToken, long expiresIn, String userId, String deviceId) {}

  record RefreshRequest(@NotBlank @Size(max = 128) String refreshToken) {}

  record WsTicketResponse(String ticket, long expiresIn) {}

  record RedeemRequest(
      @NotBlank @Size(max = 128) @Pattern(regexp = "[A-Za-z0-9_-]+") String ticket) {}

  record RedeemedTicket(String userId, String deviceId, String sessionId) {}
}
