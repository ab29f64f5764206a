package com.parley.im.relation.graph;

import java.util.UUID;

/**
 * Two different users in a fixed order ({@code low < high} as PostgreSQL orders uuids), the key of
 * what they share.
 */
public record Pair(UUID low, UUID high) {

  public Pair {
    if (compare(low, high) >= 0) {
      throw new IllegalArgumentException("not an ordered pair of two users");
    }
  }

  public static Pair of(UUID a, UUID b) {
    return compare(a, b) < 0 ? new Pair(a, b) : new Pair(b, a);
  }

  /**
   * PostgreSQL's order: unsigned, byte by byte, which is the order of the canonical strings. Not
   * {@link UUID#compareTo}, which compares signed longs.
   */
  static int compare(UUID a, UUID b) {
    return a.toString().compareTo(b.toString());
  }

  /** The member that is not {@code one}. */
  public UUID other(UUID one) {
    return one.equals(low) ? high : low;
  }
}
