package com.parley.im.relation;

import com.parley.im.defaults.outbox.EnableOutbox;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Friend requests, friendships and blocks. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableOutbox
public class RelationServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(RelationServiceApplication.class, args);
  }
}
