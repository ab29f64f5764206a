package com.parley.im.message.group;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Group settings of message-service ({@code im.message.*}; other features bind their own keys of
 * the same prefix).
 *
 * @param groupMaxMembers most members of a group, its owner included (PROTOCOL.md: default 500)
 */
@ConfigurationProperties("im.message")
record GroupProperties(@DefaultValue("500") int groupMaxMembers) {}
