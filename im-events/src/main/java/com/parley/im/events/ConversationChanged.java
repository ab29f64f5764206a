package com.parley.im.events;

import java.time.Instant;
import java.util.List;

/**
 * A conversation was created or its name or members changed. Published by message-service to
 * {@value Destinations#CONVERSATION_CHANGED} through its outbox.
 *
 * @param conversationType {@code direct} or {@code group}
 * @param change {@code created}, {@code renamed}, {@code members_added}, {@code member_removed},
 *     {@code member_left} (more may be added; consumers ignore changes they do not know)
 * @param memberIds every member after the change
 * @param addedUserIds members this change added (empty otherwise)
 * @param removedUserIds members this change removed, or who left (empty otherwise)
 * @param seq the seq of the {@code system} message that records the change; 0 when none does
 */
public record ConversationChanged(
    String eventId,
    Instant occurredAt,
    String conversationId,
    String conversationType,
    String change,
    String name,
    List<String> memberIds,
    List<String> addedUserIds,
    List<String> removedUserIds,
    long seq)
    implements DomainEvent {}
