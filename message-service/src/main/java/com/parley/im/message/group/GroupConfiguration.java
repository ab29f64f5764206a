package com.parley.im.message.group;

import com.parley.im.defaults.outbox.EnableOutbox;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * The group feature's settings. It needs the outbox (its changes publish {@code
 * conversation-changed}); enabling it here as well as elsewhere imports the one configuration once.
 */
@Configuration(proxyBeanMethods = false)
@EnableOutbox
@EnableConfigurationProperties(GroupProperties.class)
class GroupConfiguration {}
