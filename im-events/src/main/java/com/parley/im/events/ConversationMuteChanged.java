package com.parley.im.events;

import java.time.Instant;

/**
 * A user muted or unmuted one of their conversations ({@code PUT} / {@code DELETE
 * /api/conversations/{id}/mute}). Published by unread-service to {@value
 * Destinations#CONVERSATION_MUTE_CHANGED} through its outbox; message-service keeps the flag for
 * its conversation list.
 *
 * @param version grows with every change of this user's row for the conversation in unread-service
 *     (mute, read position, membership): a consumer keeps the flag of the highest version it saw,
 *     so a replayed or reordered event changes nothing
 */
public record ConversationMuteChanged(
    String eventId,
    Instant occurredAt,
    String userId,
    String conversationId,
    boolean muted,
    long version)
    implements DomainEvent {}
