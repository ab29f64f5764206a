package com.parley.im.presence;

import com.parley.im.defaults.outbox.EnableOutbox;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Which device is online on which gateway instance, and last seen. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableOutbox
public class PresenceServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(PresenceServiceApplication.class, args);
  }
}
