package com.parley.im.presence;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Which device is online on which gateway instance, and last seen. */
@SpringBootApplication
public class PresenceServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(PresenceServiceApplication.class, args);
  }
}
