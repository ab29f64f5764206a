package com.parley.im.defaults.security;

import io.netty.channel.ChannelOption;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Default security of a Parley service that serves clients: an OAuth2 resource server that verifies
 * ES256 access tokens against the JWK set at {@code im.security.jwk-set-uri} (user-service's {@code
 * /api/auth/jwks}; keys are cached and fetched again when a token names an unknown {@code kid}),
 * with {@code /actuator/**} and {@code /internal/**} open and problem-detail failures ({@link
 * SecurityProblems}).
 *
 * <p>Active only in a reactive web application that has Spring Security's resource-server classes
 * and declares no {@link SecurityWebFilterChain} of its own (user-service, which issues the tokens,
 * and the gateway declare their own). A service (or a test) may declare its own {@link
 * ReactiveJwtDecoder}. Controllers read the caller with {@code @AuthenticationPrincipal Jwt}:
 * {@code sub} is the user id, {@code did} the device id, {@code sid} the device session.
 *
 * <p>Cannot promise: that a token is still backed by a live session. Revocation is the gateway's
 * job ({@code device-session-revoked}); a service accepts a token until its {@code exp}.
 */
@AutoConfiguration(
    beforeName = {
      "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
      "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration"
    })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(
    name = {
      "org.springframework.security.config.web.server.ServerHttpSecurity",
      "org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter",
      "org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder"
    })
@ConditionalOnMissingBean(SecurityWebFilterChain.class)
@EnableConfigurationProperties(ResourceServerProperties.class)
@EnableWebFluxSecurity
public class ResourceServerAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(ReactiveJwtDecoder.class)
  ReactiveJwtDecoder imJwtDecoder(ResourceServerProperties properties) {
    int timeoutMillis = (int) properties.jwkSetTimeout().toMillis();
    HttpClient client =
        // The key set is fetched rarely (first token, unknown kid): a fresh connection each time
        // rather than a pooled one that the server may have closed meanwhile.
        HttpClient.create()
            .keepAlive(false)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
            .responseTimeout(properties.jwkSetTimeout());
    NimbusReactiveJwtDecoder decoder =
        NimbusReactiveJwtDecoder.withJwkSetUri(properties.jwkSetUri())
            .jwsAlgorithm(SignatureAlgorithm.ES256)
            .webClient(
                WebClient.builder().clientConnector(new ReactorClientHttpConnector(client)).build())
            .build();
    decoder.setJwtValidator(
        ResourceServerSecurity.accessTokenValidator(properties.issuer(), properties.clockSkew()));
    return ResourceServerSecurity.unavailableAsServiceFailure(decoder);
  }

  @Bean
  SecurityWebFilterChain imSecurityWebFilterChain(
      ServerHttpSecurity http,
      ReactiveJwtDecoder decoder,
      JsonMapper json,
      ResourceServerProperties properties,
      ObjectProvider<OpenExchanges> more) {
    List<ServerWebExchangeMatcher> open = new ArrayList<>();
    open.add(ResourceServerSecurity.openPaths(properties.publicPaths()));
    more.orderedStream().map(OpenExchanges::matcher).forEach(open::add);
    return ResourceServerSecurity.filterChain(
        http, decoder, json, new OrServerWebExchangeMatcher(open));
  }
}
