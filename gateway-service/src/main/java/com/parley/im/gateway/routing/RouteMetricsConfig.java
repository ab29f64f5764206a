package com.parley.im.gateway.routing;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The routes' client metrics under a name of their own: {@code im.gateway.route.requests} (route
 * id, method, status). Spring Cloud Gateway names them {@code http.client.requests}, as Spring Boot
 * names the gateway's own WebClient calls (ticket redemption, sends to message-service) with other
 * tags; Prometheus needs one set of tag keys per name, so whichever registered second was dropped
 * ("registration has failed") and the per-route figures were missing from {@code
 * /actuator/prometheus}.
 */
@Configuration(proxyBeanMethods = false)
class RouteMetricsConfig {

  static final String ROUTE_TAG = "spring.cloud.gateway.route.id";

  @Bean
  MeterFilter routeRequestsUnderTheirOwnName() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (id.getName().startsWith("http.client.requests") && id.getTag(ROUTE_TAG) != null) {
          return id.withName(
              "im.gateway.route.requests"
                  + id.getName().substring("http.client.requests".length()));
        }
        return id;
      }
    };
  }
}
