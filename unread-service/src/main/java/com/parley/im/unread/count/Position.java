package com.parley.im.unread.count;

/**
 * One user's row for one conversation, as PostgreSQL holds it ({@code member_position}) and Redis
 * copies it.
 *
 * @param version grows with every change of the row; of two copies the higher version is newer
 */
record Position(
    String userId,
    String conversationId,
    long readSeq,
    boolean active,
    boolean muted,
    long version) {

  /** The Redis hash value: {@code version:readSeq:active:muted}. */
  String encoded() {
    return version + ":" + readSeq + ":" + (active ? 1 : 0) + ":" + (muted ? 1 : 0);
  }
}
