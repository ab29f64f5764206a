package com.parley.im.defaults.consumer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;

/**
 * {@link ProcessedEvents} for every service with a database. {@link FriendGraph} is not registered
 * here: the services that keep the friendship graph declare it.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
      "org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcAutoConfiguration",
      "org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration"
    })
@ConditionalOnClass(name = "org.springframework.r2dbc.core.DatabaseClient")
public class ConsumerAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean({DatabaseClient.class, ReactiveTransactionManager.class})
  ProcessedEvents processedEvents(DatabaseClient db, ReactiveTransactionManager transactions) {
    return new ProcessedEvents(db, transactions);
  }
}
