package com.parley.im.defaults.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the default resource-server security ({@code im.security.*}).
 *
 * @param jwkSetUri where the issuer's public keys are (user-service's {@code /api/auth/jwks})
 * @param issuer the required {@code iss} claim
 * @param clockSkew how long after {@code exp} a token is still accepted (clocks of issuer and
 *     verifier differ a little)
 * @param jwkSetTimeout time limit of one fetch of the key set
 * @param publicPaths further path patterns that need no token (besides {@code /actuator/**} and
 *     {@code /internal/**})
 */
@ConfigurationProperties("im.security")
public record ResourceServerProperties(
    @DefaultValue("http://127.0.0.1:8081/api/auth/jwks") String jwkSetUri,
    @DefaultValue("parley") String issuer,
    @DefaultValue("30s") Duration clockSkew,
    @DefaultValue("5s") Duration jwkSetTimeout,
    @DefaultValue List<String> publicPaths) {}
