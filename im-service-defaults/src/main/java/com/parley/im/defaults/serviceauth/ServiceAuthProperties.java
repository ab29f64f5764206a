package com.parley.im.defaults.serviceauth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of service-to-service authentication ({@code im.service-auth.*}, ADR 0007).
 *
 * @param keyFile the shared service key: a file holding at least 32 random bytes in base64 ({@code
 *     IM_SERVICE_KEY_FILE}; {@code ./im up} generates one outside the repository)
 * @param key the same key inline, in base64 (tests); the file wins when both are set
 * @param tokenTtl how long a minted service token is valid; callers mint a new one after half of it
 * @param clockSkew how far the clocks of caller and callee may differ
 */
@ConfigurationProperties("im.service-auth")
public record ServiceAuthProperties(
    String keyFile,
    String key,
    @DefaultValue("5m") Duration tokenTtl,
    @DefaultValue("30s") Duration clockSkew) {}
