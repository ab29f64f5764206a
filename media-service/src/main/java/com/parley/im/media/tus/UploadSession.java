package com.parley.im.media.tus;

import java.time.Instant;

/** One resumable upload while it arrives, as its row in {@code upload}. */
record UploadSession(
    String uploadId, String ownerId, long length, long offset, String name, Instant expiresAt) {}
