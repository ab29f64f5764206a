package com.parley.im.gateway.routing;

import com.parley.im.gateway.problem.ProblemWriter;
import com.parley.im.protocol.ErrorCodes;
import java.security.Principal;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code UserRateLimit}: the gateway's request rate limit, one Redis token bucket per user (the
 * token's {@code sub}) across all routes, or per client address where no token is needed.
 *
 * <p>It uses Spring Cloud Gateway's {@link RedisRateLimiter} (the same Lua token bucket as {@code
 * RequestRateLimiter}) but answers a refusal as PROTOCOL.md wants: 429 with a problem detail {@code
 * code: rate_limited} and {@code Retry-After}, where the built-in filter sends an empty body. Like
 * the built-in one it lets requests through when Redis fails (availability over strictness).
 */
@Component
class UserRateLimitGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

  /** Buckets are shared by every route: the limit is per user, not per user and route. */
  private static final String BUCKET_GROUP = "gateway";

  private final RedisRateLimiter limiter;
  private final ClientAddressResolver clientAddress;
  private final ProblemWriter problems;
  private final String keyPrefix;
  private final long retryAfterSeconds;

  UserRateLimitGatewayFilterFactory(
      RedisRateLimiter limiter,
      ClientAddressResolver clientAddress,
      ProblemWriter problems,
      RateLimitConfig.Settings settings,
      @Value("${im.redis.key-prefix:gateway:}") String keyPrefix) {
    super(Object.class);
    this.limiter = limiter;
    this.clientAddress = clientAddress;
    this.problems = problems;
    this.keyPrefix = keyPrefix;
    this.retryAfterSeconds = Math.max(1, (long) Math.ceil(1.0 / settings.replenishRate()));
  }

  @Override
  public String name() {
    return "UserRateLimit";
  }

  @Override
  public GatewayFilter apply(Object config) {
    return (exchange, chain) ->
        key(exchange)
            .flatMap(key -> limiter.isAllowed(BUCKET_GROUP, key))
            .flatMap(
                response -> {
                  if (response.isAllowed()) {
                    return chain.filter(exchange);
                  }
                  exchange
                      .getResponse()
                      .getHeaders()
                      .set("Retry-After", Long.toString(retryAfterSeconds));
                  return problems.write(
                      exchange,
                      HttpStatus.TOO_MANY_REQUESTS,
                      ErrorCodes.RATE_LIMITED,
                      "Too many requests; retry after " + retryAfterSeconds + " s.");
                });
  }

  /** {@code <prefix>user:<sub>} for a signed-in caller, {@code <prefix>addr:<ip>} otherwise. */
  private Mono<String> key(ServerWebExchange exchange) {
    return exchange
        .getPrincipal()
        .map(Principal::getName)
        .map(user -> keyPrefix + "user:" + user)
        .switchIfEmpty(
            Mono.fromSupplier(() -> keyPrefix + "addr:" + clientAddress.resolve(exchange)));
  }
}
