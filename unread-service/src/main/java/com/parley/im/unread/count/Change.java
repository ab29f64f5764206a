package com.parley.im.unread.count;

/** The counts of {@code userId} for {@code conversationId} may have changed: push them. */
record Change(String userId, String conversationId) {}
