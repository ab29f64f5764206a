package com.parley.im.media.access;

import com.parley.im.defaults.security.OpenExchanges;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/** Signed download URLs need no token: GET or HEAD of an item or thumbnail with {@code sig}. */
@Configuration(proxyBeanMethods = false)
class AccessConfiguration {

  @Bean
  OpenExchanges signedDownloads() {
    ServerWebExchangeMatcher paths =
        new OrServerWebExchangeMatcher(
            ServerWebExchangeMatchers.pathMatchers(
                HttpMethod.GET, "/api/media/*", "/api/media/*/thumbnail"),
            ServerWebExchangeMatchers.pathMatchers(
                HttpMethod.HEAD, "/api/media/*", "/api/media/*/thumbnail"));
    ServerWebExchangeMatcher signed =
        exchange ->
            exchange.getRequest().getQueryParams().containsKey("sig")
                ? ServerWebExchangeMatcher.MatchResult.match()
                : ServerWebExchangeMatcher.MatchResult.notMatch();
    return new OpenExchanges(new AndServerWebExchangeMatcher(paths, signed));
  }
}
