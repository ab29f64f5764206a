package com.parley.im.user.account;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** Request and response records of the account endpoints. */
final class AccountRecords {

  private AccountRecords() {}

  static final int DISPLAY_NAME_MAX = 64;
  static final int BIO_MAX = 500;
  static final int MEDIA_ID_MAX = 128;

  record RegisterRequest(
      @NotNull
          @Pattern(
              regexp = "[A-Za-z0-9_.]{3,32}",
              message = "must be 3-32 letters, digits, '_' or '.'")
          String username,
      @NotNull @Size(min = 8, max = 256, message = "must be 8-256 characters") String password,
      @NotBlank
          @Size(max = DISPLAY_NAME_MAX)
          @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
          String displayName) {}

  record RegisteredUser(String id, String username, String displayName, Instant createdAt) {}

  /**
   * A partial update: a null (or absent) field stays as it is; an empty {@code avatarMediaId} or
   * {@code bio} clears it.
   */
  record UpdateProfileRequest(
      @Size(min = 1, max = DISPLAY_NAME_MAX)
          @Pattern(regexp = ".*\\S.*", message = "must not be blank")
          @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
          String displayName,
      @Size(max = MEDIA_ID_MAX) @Pattern(regexp = "[A-Za-z0-9_-]*", message = "must be a media id")
          String avatarMediaId,
      @Size(max = BIO_MAX)
          @Pattern(regexp = "[^\\x00]*", message = "must not contain NUL characters")
          String bio) {}

  record MyProfile(
      String id,
      String username,
      String displayName,
      String avatarMediaId,
      String bio,
      Instant createdAt) {}

  record PublicProfile(
      String id, String username, String displayName, String avatarMediaId, String bio) {}

  record SearchPage(List<PublicProfile> users, String nextCursor) {}

  record DiscoverPage(List<PublicProfile> users) {}
}
