package com.parley.im.relation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of relation-service ({@code im.relation.*}).
 *
 * @param messageMaxLength longest note on a friend request, in characters
 * @param unknownUserGrace how long a request naming a user that this service has not yet heard of
 *     (its {@code user-registered} event may still be on its way) waits before answering 404
 * @param listMax most rows that one list answer carries (newest first)
 */
@ConfigurationProperties("im.relation")
public record RelationProperties(
    @DefaultValue("500") int messageMaxLength,
    @DefaultValue("2s") Duration unknownUserGrace,
    @DefaultValue("500") int listMax) {}
