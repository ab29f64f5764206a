package com.parley.im.user.account;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code app_user} without its password hash. */
record UserRow(
    UUID id,
    String username,
    String displayName,
    String avatarMediaId,
    String bio,
    Instant createdAt) {

  AccountRecords.PublicProfile toPublic() {
    return new AccountRecords.PublicProfile(
        id.toString(), username, displayName, avatarMediaId, bio);
  }

  AccountRecords.MyProfile toMine() {
    return new AccountRecords.MyProfile(
        id.toString(), username, displayName, avatarMediaId, bio, createdAt);
  }
}
