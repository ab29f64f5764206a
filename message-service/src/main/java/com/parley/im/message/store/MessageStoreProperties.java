package com.parley.im.message.store;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code im.message.*} keys of the store.
 *
 * @param keysFile the body key ring ({@code IM_MESSAGE_KEYS_FILE}; lines {@code id=base64key}, the
 *     last one encrypts); blank: an ephemeral key is generated at start-up (development and tests)
 */
@ConfigurationProperties("im.message")
public record MessageStoreProperties(String keysFile) {}
