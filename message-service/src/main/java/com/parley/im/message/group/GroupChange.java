package com.parley.im.message.group;

import java.util.List;

/**
 * One committed change of a group, as the after-commit notice needs it.
 *
 * @param change {@code created}, {@code members_added}, {@code member_removed}, {@code
 *     member_left}, {@code renamed} or {@code role_changed}
 * @param members the active members after the change
 * @param removed who is no longer a member because of it
 * @param seq the seq of the system message that records it
 */
record GroupChange(
    String conversationId,
    String change,
    String name,
    int memberCount,
    long seq,
    List<String> members,
    List<String> removed) {}
