package com.parley.im.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The id of the direct conversation between two users is derived from the pair, so that every
 * service names it the same way without asking message-service (relation-service shows it in {@code
 * GET /api/friends} before message-service has consumed the friendship event). Clients treat it as
 * opaque like every id.
 */
public final class ConversationIds {

  private ConversationIds() {}

  /** {@code d_} and 22 base64url characters of SHA-256 over the two ids, in either order. */
  public static String direct(String userA, String userB) {
    if (userA.equals(userB)) {
      throw new IllegalArgumentException("A direct conversation needs two different users");
    }
    String low = userA.compareTo(userB) < 0 ? userA : userB;
    String high = low.equals(userA) ? userB : userA;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((low + "\n" + high).getBytes(StandardCharsets.UTF_8));
      return "d_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** True for ids made by {@link #direct}. */
  public static boolean isDirect(String conversationId) {
    return conversationId.startsWith("d_");
  }
}
