package com.parley.im.defaults.security;

import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

/**
 * More requests that need no access token, for a service whose open requests a path pattern cannot
 * describe (media-service's signed download URLs: a {@code GET} with a signature in the query).
 * Declare a bean of it; the default chain adds its matcher to the open paths. The service must
 * check such requests itself: a bearer header sent with them is ignored.
 */
public record OpenExchanges(ServerWebExchangeMatcher matcher) {}
