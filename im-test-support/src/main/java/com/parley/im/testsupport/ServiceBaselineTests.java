package com.parley.im.testsupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@link ServiceBaseline} with a Spring context of its own, for a service that has no integration
 * tests yet. Its test extends this, names the service, and registers the infrastructure in a static
 * {@code @DynamicPropertySource} ({@code TestInfrastructure.get().registerAll(registry, name)}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
public abstract class ServiceBaselineTests implements ServiceBaseline {

  private final String service;

  @Autowired private WebTestClient http;
  @Autowired private DatabaseClient db;

  protected ServiceBaselineTests(String service) {
    this.service = service;
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public WebTestClient http() {
    return http;
  }

  @Override
  public DatabaseClient db() {
    return db;
  }
}
