/**
 * Bearer-token security that every Parley service serving clients shares.
 *
 * <h2>How a service gets it</h2>
 *
 * <ol>
 *   <li>Depend on {@code spring-boot-starter-security-oauth2-resource-server} and declare no {@code
 *       SecurityWebFilterChain}: {@link
 *       com.parley.im.defaults.security.ResourceServerAutoConfiguration} then verifies ES256 access
 *       tokens against {@code im.security.jwk-set-uri} (default user-service's {@code
 *       http://127.0.0.1:8081/api/auth/jwks}; in Kubernetes point it at the user-service Service),
 *       requires {@code iss=parley} and non-blank {@code sub}, {@code did}, {@code sid}, leaves
 *       {@code /actuator/**}, {@code /internal/**} and {@code im.security.public-paths} open, and
 *       answers failures as problem details: 401 {@code unauthorized} / {@code token_expired}, 503
 *       {@code service_unavailable} when the key set cannot be fetched.
 *   <li>Read the caller in a controller with {@code @AuthenticationPrincipal Jwt}: {@code sub} is
 *       the user id, {@code did} the device, {@code sid} the device session.
 *   <li>In tests, call {@code TestTokens.register(registry)} (im-test-support) in the {@code
 *       DynamicPropertySource} and send {@code TestTokens.accessToken(userId, deviceId)}.
 * </ol>
 *
 * A service that needs its own chain (user-service, which issues the tokens; the gateway) declares
 * one and may still build it with {@link
 * com.parley.im.defaults.security.ResourceServerSecurity#filterChain} and the answers of {@link
 * com.parley.im.defaults.security.SecurityProblems}.
 */
package com.parley.im.defaults.security;
