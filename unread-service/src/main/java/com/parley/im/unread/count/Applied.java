package com.parley.im.unread.count;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one batch of events left in PostgreSQL: the current state of every conversation and row it
 * touched (changed or not, so that a retried batch still brings Redis up to date), and the counts
 * it changed.
 *
 * @param lastSeqs conversation id to its last seq
 * @param positions the touched rows as they are now
 * @param changes the users and conversations whose counts moved (to push)
 */
record Applied(Map<String, Long> lastSeqs, List<Position> positions, Set<Change> changes) {}
